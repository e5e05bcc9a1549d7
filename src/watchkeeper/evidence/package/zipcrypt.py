"""WinZip AES at OpenSSL speed.

pyzipper encrypts with pycryptodomex's AES-CTR (a counter object, ~0.4 GB/s here) and HMAC-SHA1 (~0.5 GB/s):
for an hour of footage that alone is ~9 s. The format is unchanged, only the arithmetic is faster: OpenSSL's
AES (via `cryptography`) over numpy-made counter blocks, and hashlib's HMAC-SHA1. WinZip AES counts blocks
little-endian from 1, which OpenSSL's CTR mode (big-endian) cannot do directly, hence ECB over counters.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from typing import Any

import numpy as np
import pyzipper
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from pyzipper.zipfile_aes import AESZipDecrypter, AESZipEncrypter, AESZipExtFile


class _WinZipCounterMode:
    """AES-CTR with WinZip's 128-bit little-endian block counter starting at 1; any chunk lengths."""

    def __init__(self, key: bytes) -> None:
        self._ecb = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
        self._position = 0
        self._counters = np.zeros((0, 2), dtype="<u8")
        self._keystream = bytearray()
        self._out = np.zeros(0, dtype=np.uint8)
        self._steps = np.zeros(0, dtype=np.uint64)

    def _grow(self, blocks: int) -> None:
        if len(self._counters) < blocks:
            self._counters = np.zeros((blocks, 2), dtype="<u8")
            self._keystream = bytearray(blocks * 16 + 16)
            self._out = np.zeros(blocks * 16, dtype=np.uint8)
            self._steps = np.arange(blocks, dtype=np.uint64)

    def apply(self, data: Any, *, reuse: bool = False) -> Any:
        """`data` XOR the key stream at the current position. With `reuse` the result is a view of a buffer
        that the next call overwrites (the writer consumes it at once): no allocation per chunk."""
        size = len(data)
        if not size:
            return b""
        first, skip = divmod(self._position, 16)
        blocks = (skip + size + 15) // 16
        self._grow(blocks)
        counters = self._counters[:blocks]
        np.add(self._steps[:blocks], np.uint64(first + 1), out=counters[:, 0])
        self._ecb.update_into(counters.data.cast("B"), self._keystream)
        keystream = np.frombuffer(self._keystream, dtype=np.uint8, count=blocks * 16)
        self._position += size
        plain = np.frombuffer(data, dtype=np.uint8, count=size)
        if not reuse:
            return np.bitwise_xor(plain, keystream[skip : skip + size]).tobytes()
        out = self._out[:size]
        np.bitwise_xor(plain, keystream[skip : skip + size], out=out)
        return out.data


def _derive(password: bytes, salt: bytes, key_length: int) -> tuple[bytes, bytes, bytes]:
    """WinZip AES key derivation: PBKDF2-HMAC-SHA1, 1000 rounds → (AES key, HMAC key, 2-byte verifier)."""
    material = hashlib.pbkdf2_hmac("sha1", password, salt, 1000, 2 * key_length + 2)
    return material[:key_length], material[key_length : 2 * key_length], material[2 * key_length :]


class _FastEncrypter(AESZipEncrypter):  # type: ignore[misc]
    def __init__(self, pwd: bytes, nbits: int = 256) -> None:  # pyzipper's own __init__ is not called
        self.force_wz_aes_version = None
        self.conditionally_include_crc = None
        self.min_bytes_to_include_crc = None
        self.aes_strength = {128: 1, 192: 2, 256: 3}[nbits]
        self.salt = os.urandom({128: 8, 192: 12, 256: 16}[nbits])
        aes_key, mac_key, self.encpwdverify = _derive(pwd, self.salt, nbits // 8)
        self._ctr = _WinZipCounterMode(aes_key)
        self.hmac = hmac.new(mac_key, digestmod=hashlib.sha1)

    def encrypt(self, data: Any) -> Any:
        encrypted = self._ctr.apply(data, reuse=True)
        self.hmac.update(encrypted)
        return encrypted


class _AE2WriteFile(pyzipper.zipfile._ZipWriteFile):  # type: ignore[misc]
    """pyzipper's member writer without the CRC-32: AE-2 stores none (the HMAC authenticates the data), so
    computing it is wasted work (~0.3 s a GB). Stored (uncompressed) and encrypted members only."""

    def write(self, data: Any) -> int:
        if self.closed:
            raise ValueError("I/O operation on closed file.")
        size = len(data)
        self._file_size += size
        encrypted = self._encrypter.encrypt(data)
        self._compress_size += len(encrypted)
        self._fileobj.write(encrypted)
        return size


class _FastDecrypter(AESZipDecrypter):  # type: ignore[misc]
    def __init__(self, zinfo: Any, pwd: bytes, encryption_header: bytes) -> None:
        self.filename = zinfo.filename
        key_length = {1: 16, 2: 24, 3: 32}[zinfo.wz_aes_strength]
        salt, verifier = encryption_header[: key_length // 2], encryption_header[key_length // 2 :]
        aes_key, mac_key, expected = _derive(pwd, salt, key_length)
        if not hmac.compare_digest(expected, verifier):
            raise RuntimeError(f"Bad password for file {zinfo.filename!r}")
        self._ctr = _WinZipCounterMode(aes_key)
        self.hmac = hmac.new(mac_key, digestmod=hashlib.sha1)

    def decrypt(self, data: bytes) -> bytes:
        self.hmac.update(data)
        return self._ctr.apply(data)


class _FastExtFile(AESZipExtFile):  # type: ignore[misc]
    def setup_aeszipdecrypter(self) -> type:
        super().setup_aeszipdecrypter()
        return _FastDecrypter


class _SealedZip(pyzipper.AESZipFile):  # type: ignore[misc]
    zipextfile_cls = _FastExtFile
    zipwritefile_cls = _AE2WriteFile

    def get_encrypter(self) -> _FastEncrypter:
        return _FastEncrypter(self.pwd, 256)
