"""Sealed evidence packages (9.5, 11.3, 11.4, 11.6; design/evidence.md "Evidence packages").

One ZIP encrypted with WinZip AES-256 (pyzipper; 7-Zip opens it) holding:

- `master/<camera>/<UTC start>.mp4`: the original segments, bit-exact as recorded (never transcoded) —
  left out of a redacted subject-access package (`include_master=False`: no unredacted footage leaves);
- `working-copy.mp4` (one camera) or `working-copy/<camera>.mp4` (several): one MP4 per camera for VLC and
  browsers showing the camera and UK local date and time — burned into the picture for short packages, a
  timed-text track for long ones (design/evidence.md "Working copy and speed");
- any `extra_files` the caller adds (e.g. `redacted/<name>.mp4`, `redaction-report.json`);
- `manifest.json`: case, school, cameras, UTC range and Europe/London display, clock offsets, the SHA-256 of
  every other file, who asked, who authorised and when;
- `manifest.sig` + `signing-key.pub`: an Ed25519 signature of manifest.json by the school's signing key;
- `README.txt`: the cover letter (11.4) and how to verify.

The password is generated here, handed back once and never stored or logged (11.6).

The modules: `model` (member names, Piece, Metadata), `builder` (build, streaming), `seal` (the ZIP writer),
`zipcrypt` (WinZip AES at OpenSSL speed), `working_copy` (burned-in or timed-text clock), `mp4` (segment
facts from the boxes), `progress`, `manifest` (manifest, README, password, signing key) and `verifier`.
Callers use only the names below, as `package.<name>`.
"""

from watchkeeper.evidence.package.builder import _footage, build
from watchkeeper.evidence.package.manifest import ALPHABET, new_password, public_pem, signing_key
from watchkeeper.evidence.package.model import MANIFEST, PUBLIC_KEY, Metadata, PackageError, Piece
from watchkeeper.evidence.package.mp4 import _probe
from watchkeeper.evidence.package.progress import _Ticker
from watchkeeper.evidence.package.verifier import extract_member, read_member, verify
from watchkeeper.evidence.package.working_copy import BURN_IN_LIMIT, clock_cues

__all__ = [
    "ALPHABET",
    "BURN_IN_LIMIT",
    "MANIFEST",
    "PUBLIC_KEY",
    "Metadata",
    "PackageError",
    "Piece",
    "build",
    "clock_cues",
    "extract_member",
    "new_password",
    "public_pem",
    "read_member",
    "signing_key",
    "verify",
    # Internals the tests reach (tests/evidence/test_package.py): kept here so no test changes.
    "_Ticker",
    "_footage",
    "_probe",
]
