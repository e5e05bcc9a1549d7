// Glue between django-otp-webauthn's scripts and Watchkeeper's pages (issue 14 §3). A file, not inline
// script, so that the Content-Security-Policy can forbid inline script.
(function () {
  "use strict";
  // A passkey added on "Your passkeys": show it in the list.
  document.addEventListener("otp_webauthn.register_complete", function () {
    window.location.reload();
  });
  // On a decision page the server answers a verified passkey check with a single-use code. Inside a form
  // it goes in that form's code field; a passkey block outside any form (a page with several decisions,
  // e.g. a subject access case) fills every code field on the page, and the first decision sent spends
  // it. A filled field cannot be typed over; the person presses the decision's button.
  function codeFields() {
    var block = document.getElementById("passkey-decision");
    var form = block && block.closest("form");
    var scope = form || document;
    return scope.querySelectorAll("input[name='code'], input[name$='-code']");
  }
  document.addEventListener("otp_webauthn.verification_complete", function (event) {
    var code = event.detail && event.detail.id;
    if (typeof code !== "string") return;
    codeFields().forEach(function (field) {
      field.value = code;
      field.readOnly = true;
      field.setAttribute("aria-description", "Confirmed with your passkey");
    });
  });
})();
