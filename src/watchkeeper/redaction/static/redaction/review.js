/* Watchkeeper redaction review (design/redaction.md "Review"). Plays the source segments (served by the
   viewing app after its authorisation check) one after another (watchkeeper/segments.js, shared with the
   footage player), draws the proposed boxes of the frame shown
   on a canvas over the video (red: hidden; green: kept, the data subject; blue: manual, interpolated between
   key frames), lets the reviewer drag a manual box on a paused frame, and follows a running job's progress.
   No other script needed. */
(function () {
  "use strict";

  /* --- a running job: poll its progress, reload when it has finished ---------------------------------- */
  var job = document.querySelector(".job[data-progress-url]");
  if (job) {
    var bar = job.querySelector("progress"), percent = job.querySelector(".job-percent");
    var message = job.querySelector(".job-message");
    var poll = function () {
      fetch(job.dataset.progressUrl, { credentials: "same-origin", cache: "no-store" })
        .then(function (r) { return r.json(); })
        .then(function (state) {
          bar.value = state.progress; percent.textContent = state.progress + "%";
          message.textContent = state.message || "";
          if (state.status !== "proposing" && state.status !== "rendering") window.location.reload();
          else window.setTimeout(poll, 1000);
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    };
    window.setTimeout(poll, 1000);
  }

  /* keep checkboxes save at once */
  document.querySelectorAll("form.keep-form input[type=checkbox]").forEach(function (box) {
    box.addEventListener("change", function () { box.form.submit(); });
  });

  /* "Approve only what you have watched" (issue 16 §1): the share of the preview played so far goes with
     the approval; the server asks for a confirmation when it is not all of it. */
  var preview = document.querySelector("video.preview");
  var approveForm = document.querySelector("form.approve-form");
  if (preview && approveForm && approveForm.elements.watched) {
    var shown = approveForm.querySelector(".watched");
    var measure = function () {
      if (!preview.duration || !isFinite(preview.duration)) return;
      var played = 0;
      for (var r = 0; r < preview.played.length; r++) played += preview.played.end(r) - preview.played.start(r);
      var share = Math.min(1, played / preview.duration);
      approveForm.elements.watched.value = share.toFixed(3);
      if (shown) shown.textContent = "You have watched " + Math.round(share * 100) + "% of the preview.";
    };
    ["timeupdate", "ended", "seeked"].forEach(function (name) { preview.addEventListener(name, measure); });
  }

  var script = document.getElementById("redaction-data");
  var root = document.querySelector(".player.redaction");
  if (!script || !root) return;
  var data = JSON.parse(script.textContent);
  if (!data.segments.length) return;
  var fps = data.fps || 25;
  var sequence = Watchkeeper.segments(root, data.segments, 1 / fps, draw);
  var video = sequence.video, playButton = sequence.playButton;
  var canvas = root.querySelector("canvas.boxes");
  var ctx = canvas.getContext("2d");
  var seek = root.querySelector("input.seek");
  var output = root.querySelector("output.frame");
  var form = document.querySelector("form.manual-form");
  var drag = null, extendTrack = null;

  /* Boxes by frame: the engine's rows are [frame, x, y, w, h, score]. */
  var byFrame = {};
  data.tracks.forEach(function (track) {
    track.boxes.forEach(function (row) {
      (byFrame[row[0]] = byFrame[row[0]] || []).push({ track: track.id, keep: track.keep, x: row[1], y: row[2], w: row[3], h: row[4] });
    });
  });

  function manualAt(track, frame) { /* linear between key frames, as engine.tracks.boxes_at */
    var keys = track.boxes;
    if (!keys.length || frame < keys[0].frame || frame > keys[keys.length - 1].frame) return null;
    for (var i = 0; i + 1 < keys.length; i++) {
      var a = keys[i], b = keys[i + 1];
      if (a.frame <= frame && frame <= b.frame) {
        var t = b.frame === a.frame ? 0 : (frame - a.frame) / (b.frame - a.frame);
        return { x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t, w: a.w + (b.w - a.w) * t, h: a.h + (b.h - a.h) * t };
      }
    }
    return keys[keys.length - 1];
  }

  function frameNow() {
    if (sequence.index < 0) return 0;
    var local = Math.floor(video.currentTime * fps + 0.01);
    return Math.min(data.segments[sequence.index].first_frame + local, Math.max(0, data.frames - 1));
  }

  function draw() {
    var frame = frameNow();
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.lineWidth = Math.max(2, canvas.width / 400);
    (byFrame[frame] || []).forEach(function (b) {
      ctx.strokeStyle = b.keep ? "#1a9c3a" : "#d4202c";
      ctx.strokeRect(b.x, b.y, b.w, b.h);
      ctx.fillStyle = ctx.strokeStyle; ctx.font = (canvas.width / 60) + "px sans-serif";
      ctx.fillText("#" + b.track, b.x + 2, b.y - 4);
    });
    data.manual.forEach(function (track) {
      var b = manualAt(track, frame);
      if (!b) return;
      ctx.strokeStyle = "#1f5fd1"; ctx.strokeRect(b.x, b.y, b.w, b.h);
      ctx.fillStyle = ctx.strokeStyle; ctx.fillText("#" + track.id, b.x + 2, b.y - 4);
    });
    if (drag && drag.w) { ctx.setLineDash([6, 4]); ctx.strokeStyle = "#1f5fd1"; ctx.strokeRect(drag.x, drag.y, drag.w, drag.h); ctx.setLineDash([]); }
    output.textContent = frame + " (" + (frame / fps).toFixed(2) + " s)";
    output.dataset.frame = String(frame);
    seek.value = String(frame);
    playButton.textContent = video.paused ? "Play" : "Pause";
  }

  /* Segment i from `frame` on: a tenth of a frame in, so that the frame shown is that frame. */
  function load(i, frame, play) {
    var local = frame - data.segments[i].first_frame;
    sequence.load(i, local > 0 ? (local + 0.1) / fps : 0, play);
  }

  function segmentOf(frame) {
    for (var i = data.segments.length - 1; i >= 0; i--) if (frame >= data.segments[i].first_frame) return i;
    return 0;
  }

  function goTo(frame, play) {
    frame = Math.max(0, Math.min(frame, data.frames - 1));
    var i = segmentOf(frame);
    if (i !== sequence.index) { load(i, frame, play); return; }
    video.currentTime = (frame - data.segments[i].first_frame + 0.1) / fps;
  }

  (function tick() { if (!video.paused) draw(); window.requestAnimationFrame(tick); })();

  root.querySelectorAll("button.step").forEach(function (button) {
    button.addEventListener("click", function () { video.pause(); goTo(frameNow() + Number(button.dataset.step), false); });
  });
  seek.addEventListener("input", function () { video.pause(); goTo(Number(seek.value), false); });
  /* "Show": jump from a track in the list to its first moment in the footage. */
  document.querySelectorAll("button.jump").forEach(function (button) {
    button.addEventListener("click", function () {
      video.pause(); goTo(Number(button.dataset.frame), false);
      root.scrollIntoView({ behavior: "smooth", block: "start" });
    });
  });

  /* Manual boxes: drag on the paused picture; the form posts the box in the source's pixels. */
  function point(event) {
    var rect = canvas.getBoundingClientRect();
    return { x: (event.clientX - rect.left) * canvas.width / rect.width, y: (event.clientY - rect.top) * canvas.height / rect.height };
  }
  document.querySelectorAll("button.extend").forEach(function (button) {
    button.addEventListener("click", function () {
      extendTrack = button.dataset.track; video.pause();
      button.textContent = "Now drag the box on the picture";
    });
  });
  if (form) {
    canvas.addEventListener("mousedown", function (event) {
      video.pause(); var p = point(event); drag = { x0: p.x, y0: p.y, x: p.x, y: p.y, w: 0, h: 0 };
    });
    canvas.addEventListener("mousemove", function (event) {
      if (!drag) return; var p = point(event);
      drag.x = Math.min(drag.x0, p.x); drag.y = Math.min(drag.y0, p.y);
      drag.w = Math.abs(p.x - drag.x0); drag.h = Math.abs(p.y - drag.y0); draw();
    });
    canvas.addEventListener("mouseup", function () {
      var box = drag; drag = null;
      if (!box || box.w < 4 || box.h < 4) { draw(); return; }
      form.elements.op.value = extendTrack ? "extend" : "add";
      form.elements.track.value = extendTrack || "";
      form.elements.frame.value = String(frameNow());
      form.elements.x.value = box.x.toFixed(1); form.elements.y.value = box.y.toFixed(1);
      form.elements.w.value = box.w.toFixed(1); form.elements.h.value = box.h.toFixed(1);
      form.submit();
    });
  }

  var at = Number(new URLSearchParams(window.location.search).get("at") || 0);
  load(segmentOf(at), at, false);
})();
