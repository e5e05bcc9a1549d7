// The privacy-zone editor (policy 5.3): click to add corners, "Close zone" to finish one, "Clear" to start
// again, "Save zones" posts them as JSON ([[[x, y], ...], ...] in picture coordinates 0..1) in the form's
// hidden `zones` field. The server checks them (estate.services.set_privacy_zones).
(function () {
  "use strict";
  var editor = document.getElementById("zone-editor");
  if (!editor) return;
  var input = document.getElementById(editor.dataset.zonesInput);
  var canvas = document.getElementById("zone-canvas");
  var count = document.getElementById("zone-count");
  var SVG = "http://www.w3.org/2000/svg";
  var zones = [];
  var open = [];

  try {
    zones = JSON.parse(input.value || "[]");
  } catch (error) {
    zones = [];
  }
  if (!Array.isArray(zones)) zones = [];

  function clamp(value) {
    return Math.round(Math.min(1, Math.max(0, value)) * 10000) / 10000;
  }

  function shape(tag, points, className) {
    var element = document.createElementNS(SVG, tag);
    element.setAttribute("points", points.map(function (p) { return p[0] + "," + p[1]; }).join(" "));
    element.setAttribute("class", className);
    element.setAttribute("vector-effect", "non-scaling-stroke");
    return element;
  }

  function draw() {
    while (canvas.firstChild) canvas.removeChild(canvas.firstChild);
    zones.forEach(function (zone) { canvas.appendChild(shape("polygon", zone, "zone")); });
    if (open.length) canvas.appendChild(shape("polyline", open, "zone-open"));
    input.value = JSON.stringify(zones);
    var text = zones.length + (zones.length === 1 ? " zone" : " zones");
    if (open.length) text += "; drawing one with " + open.length + (open.length === 1 ? " corner" : " corners");
    count.textContent = text + ".";
  }

  canvas.addEventListener("click", function (event) {
    var box = canvas.getBoundingClientRect();
    open.push([clamp((event.clientX - box.left) / box.width), clamp((event.clientY - box.top) / box.height)]);
    draw();
  });

  document.getElementById("zone-close").addEventListener("click", function () {
    if (open.length >= 3) {
      zones.push(open);
      open = [];
    }
    draw();
  });

  document.getElementById("zone-clear").addEventListener("click", function () {
    zones = [];
    open = [];
    draw();
  });

  document.getElementById("zones-form").addEventListener("submit", function () {
    if (open.length >= 3) zones.push(open); // a zone being drawn is kept, not lost
    open = [];
    draw();
  });

  // The picture to draw on (issue 14 §5): asked of the job worker, which takes it from the camera (the
  // web server never connects to a camera); asked how it goes every second; shown once when ready.
  var frame = document.getElementById("zone-frame");
  var waiting = document.getElementById("zone-frame-waiting");
  var POLL_MS = 1000;
  var GIVE_UP_MS = 60000; // the server gives up sooner (reference_frames.py): this only bounds the page

  function shaped() {
    // Draw on the picture's own shape: the zones are fractions of its width and height.
    if (frame.naturalWidth && frame.naturalHeight) {
      editor.style.aspectRatio = frame.naturalWidth + " / " + frame.naturalHeight;
    }
    frame.hidden = false;
    if (waiting) waiting.hidden = true;
  }
  function failed(reason) {
    frame.hidden = true;
    if (waiting) waiting.hidden = true;
    var why = document.getElementById("zone-frame-reason");
    if (why && typeof reason === "string" && reason) why.textContent = " (" + reason + ")";
    document.getElementById("zone-frame-error").hidden = false;
  }
  function show(picture) {
    frame.addEventListener("load", shaped);
    frame.addEventListener("error", function () { failed(""); });
    frame.src = picture;
  }
  function poll(status, since) {
    fetch(status, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : { state: "failed" }; })
      .then(function (answer) {
        if (answer.state === "ready" && answer.picture) show(answer.picture);
        else if (answer.state === "failed") failed(answer.message);
        else if (Date.now() - since > GIVE_UP_MS) failed("the camera did not give a picture in time");
        else window.setTimeout(function () { poll(status, since); }, POLL_MS);
      })
      .catch(function () { failed(""); });
  }
  function ask() {
    var token = document.querySelector("#zones-form input[name='csrfmiddlewaretoken']");
    fetch(frame.dataset.request, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": token ? token.value : "" },
    })
      .then(function (response) { return response.ok ? response.json() : {}; })
      .then(function (answer) {
        if (answer.status) poll(answer.status, Date.now());
        else failed("");
      })
      .catch(function () { failed(""); });
  }
  if (frame && frame.dataset.request) ask();
  draw();
})();
