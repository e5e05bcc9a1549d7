/* Minibus footage from the web (5.2, issue 16 §3; recording/upload_views.py). The chosen file is sent in
   pieces, in order, each one retried a few times on a network error; the server seals each as it arrives
   and says how many bytes it has, so a retry or a resumed upload continues where it stopped. Then the
   import job runs and this page follows its progress. */
(function () {
  "use strict";
  var form = document.getElementById("dvr-upload");
  if (!form) return;
  var fileInput = document.getElementById("dvr-file");
  var box = document.getElementById("dvr-progress");
  var bar = box.querySelector("progress"), percent = box.querySelector(".dvr-percent");
  var message = box.querySelector(".dvr-message");
  var errorBox = document.getElementById("dvr-error");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;

  function show(value, text) {
    bar.value = value; percent.textContent = Math.floor(value) + "%"; message.textContent = text;
  }
  function fail(text) {
    errorBox.textContent = text; errorBox.hidden = false; form.querySelector("button").disabled = false;
  }
  function post(url, body) {
    return fetch(url, { method: "POST", body: body, credentials: "same-origin", headers: { "X-CSRFToken": token } })
      .then(function (r) { return r.json().then(function (json) { if (!r.ok) throw new Error(json.error || r.statusText); return json; }); });
  }
  function sendPiece(state, file, index, tries) {
    var from = index * state.piece_bytes;
    var body = new FormData();
    body.append("piece", file.slice(from, Math.min(file.size, from + state.piece_bytes)), "piece");
    return post(state.piece_url + index + "/", body)
      .catch(function (error) {
        if (tries > 0 && error instanceof TypeError) return sendPiece(state, file, index, tries - 1); /* network */
        throw error;
      });
  }
  function sendFrom(state, file, received) {
    if (received >= file.size) return post(state.finish_url, "");
    show(80 * received / file.size, "Uploading and encrypting: " + Math.round(received / 1048576) + " of " + Math.round(file.size / 1048576) + " MB");
    return sendPiece(state, file, Math.floor(received / state.piece_bytes), 3).then(function (answer) {
      return sendFrom(state, file, answer.received);
    });
  }
  function follow(state) {
    fetch(state.status_url, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (now) {
        if (now.status === "importing") { show(80 + now.progress / 5, "Checking and storing the footage…"); window.setTimeout(function () { follow(state); }, 1000); return; }
        // A failure is said once, in the alert box; the progress line only names the status.
        var failed = now.status === "failed" || now.status === "abandoned";
        show(100, failed ? now.status_label + "." : now.status_label + ": " + now.message);
        if (failed) fail(now.message);
        else window.setTimeout(function () { window.location.reload(); }, 1500);
      })
      .catch(function () { window.setTimeout(function () { follow(state); }, 3000); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    errorBox.hidden = true;
    var file = fileInput.files[0];
    if (!file) { fail("Choose the DVR file to upload."); return; }
    form.elements.filename.value = file.name;
    form.elements.size.value = String(file.size);
    form.querySelector("button").disabled = true;
    box.hidden = false;
    show(0, "Starting…");
    post(form.action, new FormData(form))
      .then(function (state) { return sendFrom(state, file, state.received); })
      .then(function (state) { follow(state); })
      .catch(function (error) { fail(error.message); });
  });
})();
