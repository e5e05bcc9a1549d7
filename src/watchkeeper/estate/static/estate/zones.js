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

  var frame = document.getElementById("zone-frame");
  function shaped() {
    // Draw on the picture's own shape: the zones are fractions of its width and height.
    if (frame.naturalWidth && frame.naturalHeight) {
      editor.style.aspectRatio = frame.naturalWidth + " / " + frame.naturalHeight;
    }
  }
  function failed() {
    frame.hidden = true;
    document.getElementById("zone-frame-error").hidden = false;
  }
  if (frame) {
    frame.addEventListener("load", shaped);
    frame.addEventListener("error", failed);
    // This script is deferred: a picture that loaded or failed before it ran fired its event unheard.
    if (frame.complete) {
      if (frame.naturalWidth) shaped();
      else failed();
    }
  }
  draw();
})();
