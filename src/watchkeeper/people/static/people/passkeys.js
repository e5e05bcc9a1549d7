// Glue between django-otp-webauthn's scripts and Watchkeeper's pages (issue 14 §3). A file, not inline
// script, so that the Content-Security-Policy can forbid inline script.
(function () {
  "use strict";
  // A passkey added on "Your passkeys": show it in the list.
  document.addEventListener("otp_webauthn.register_complete", function () {
    window.location.reload();
  });
  // On a decision page the server answers a verified passkey check with a single-use code: it goes in the
  // form's code field, which then cannot be typed over; the person presses Approve or Decline.
  document.addEventListener("otp_webauthn.verification_complete", function (event) {
    var code = event.detail && event.detail.id;
    var field = document.querySelector("input[name='code']");
    if (typeof code !== "string" || !field) return;
    field.value = code;
    field.readOnly = true;
    field.setAttribute("aria-description", "Confirmed with your passkey");
  });
})();
