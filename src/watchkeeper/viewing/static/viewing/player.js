/* Watchkeeper footage player (design/viewing.md): plays the window's segments one after another in one
   <video> (watchkeeper/segments.js, shared with the redaction review) and seeks across the window by
   choosing the segment and setting currentTime. Times are shown in UK local time (Europe/London, BST or GMT
   as it was then). No other script needed. */
(function () {
  "use strict";

  var FRAME = 1 / 25;
  var parts = new Intl.DateTimeFormat("en-GB", {
    timeZone: "Europe/London", day: "2-digit", month: "2-digit", year: "numeric",
    hour: "2-digit", minute: "2-digit", second: "2-digit", fractionalSecondDigits: 2,
    hourCycle: "h23", timeZoneName: "short"
  });
  /* dd/mm/yyyy HH:MM:SS.cc GMT|BST, as dates are written everywhere else (issue 15 §5): built from the
     parts because the locale's own pattern ("8 Dec 2026, 01:39:59.87") differs between browsers. */
  var clock = {
    format: function (moment) {
      var p = {};
      parts.formatToParts(moment).forEach(function (part) { p[part.type] = part.value; });
      return p.day + "/" + p.month + "/" + p.year + " " + p.hour + ":" + p.minute + ":" + p.second +
        "." + p.fractionalSecond + " " + p.timeZoneName;
    }
  };

  function Player(root, data) {
    var sequence = Watchkeeper.segments(root, data.segments, FRAME, show);
    var video = sequence.video, playButton = sequence.playButton, load = sequence.load;
    var speed = root.querySelector(".speed");
    var output = root.querySelector(".clock");
    var bar = root.querySelector(".timeline");
    var cursor = root.querySelector(".cursor");
    var segments = data.segments;
    var windowMs = Math.max(1, data.end_ms - data.start_ms);

    function now() {
      if (sequence.index < 0) return segments[0].start_ms;
      return segments[sequence.index].start_ms + video.currentTime * 1000;
    }

    function show() {
      var at = now();
      output.textContent = clock.format(new Date(at));
      output.dataset.ms = String(Math.round(at));
      var percent = 100 * (at - data.start_ms) / windowMs;
      cursor.style.left = percent + "%";
      bar.setAttribute("aria-valuenow", String(Math.round(percent)));
      bar.setAttribute("aria-valuetext", output.textContent);
      playButton.textContent = video.paused ? "Play" : "Pause";
      if (stillButton) stillButton.disabled = !video.paused || sequence.index < 0 || !!sequence.pending;
    }

    /* A new source starts at the default rate: keep the speed chosen. */
    video.addEventListener("loadedmetadata", function () { video.playbackRate = Number(speed.value); });

    /* Seek to a wall-clock moment: the segment holding it, or the next one after a gap. */
    function seek(ms, play) {
      var i = 0;
      while (i < segments.length - 1 && ms >= segments[i].end_ms) i++;
      var offset = Math.max(0, (ms - segments[i].start_ms) / 1000);
      if (i === sequence.index && !sequence.pending) {
        video.currentTime = Math.min(offset, Math.max(0, video.duration - FRAME));
        if (play) video.play();
      } else {
        load(i, offset, play);
      }
    }

    function step(direction) {
      if (!isFinite(video.duration)) return;
      if (!video.paused) video.pause();
      var t = video.currentTime + direction * FRAME;
      if (t >= video.duration - FRAME / 2 && sequence.index + 1 < segments.length) {
        load(sequence.index + 1, 0, false);
      } else if (t < 0 && sequence.index > 0) {
        var previous = segments[sequence.index - 1];
        load(sequence.index - 1, (previous.end_ms - previous.start_ms) / 1000 - FRAME, false);
      } else {
        video.currentTime = Math.max(0, Math.min(t, video.duration));
      }
    }

    /* The motion strip: one bar per analysed second, taller and darker with more movement. */
    var strip = root.querySelector("canvas.motion");
    var threshold = data.motion_threshold || 0.1;
    function drawMotion() {
      if (!strip) return;
      var width = strip.clientWidth || strip.width;
      strip.width = width;
      var context = strip.getContext("2d");
      var height = strip.height;
      context.clearRect(0, 0, width, height);
      var barWidth = Math.max(1, width * 1000 / windowMs);
      segments.forEach(function (segment) {
        (segment.motion || []).forEach(function (score, second) {
          if (score <= 0) return;
          var x = width * (segment.start_ms + second * 1000 - data.start_ms) / windowMs;
          var barHeight = Math.max(2, height * score);
          context.fillStyle = "rgba(192, 57, 43, " + (0.3 + 0.7 * score) + ")";
          context.fillRect(x, height - barHeight, barWidth, barHeight);
        });
      });
    }

    /* The start of the next run of seconds above the threshold after the time shown. */
    function nextMotion() {
      var from = now() + 5, inRun = false; /* 5 ms on: a jump lands exactly on a run start */
      for (var i = 0; i < segments.length; i++) {
        var motion = segments[i].motion || [];
        for (var second = 0; second < motion.length; second++) {
          var at = segments[i].start_ms + second * 1000;
          if (at + 1000 <= from) continue;
          var moving = motion[second] >= threshold;
          if (moving && !inRun && at > from) return at;
          inRun = moving;
        }
      }
      return null;
    }

    /* Ask for a still (9.5, 11.6): when paused, post the segment and offset shown. The server makes a
       download request for that camera and instant and shows its page: no picture is sent here; it leaves
       only as a sealed package once the Headteacher or a designated person has authorised it. */
    var stillButton = root.querySelector(".still");
    var stillForm = root.querySelector(".still-form");
    if (stillButton && stillForm) {
      stillButton.addEventListener("click", function () {
        if (!video.paused || sequence.index < 0) return;
        stillForm.elements.segment.value = segments[sequence.index].id;
        stillForm.elements.offset.value = String(video.currentTime);
        stillForm.submit();
      });
    }

    var nextButton = root.querySelector(".next-motion");
    if (nextButton) {
      nextButton.addEventListener("click", function () {
        var at = nextMotion();
        if (at === null) { nextButton.textContent = "No more motion"; return; }
        nextButton.textContent = "Jump to next motion";
        seek(at, !video.paused);
      });
    }
    drawMotion();
    window.addEventListener("resize", drawMotion);

    speed.addEventListener("change", function () {
      video.defaultPlaybackRate = Number(speed.value);
      video.playbackRate = Number(speed.value);
    });
    root.querySelectorAll(".step").forEach(function (button) {
      button.addEventListener("click", function () { step(Number(button.dataset.step)); });
    });
    bar.addEventListener("click", function (event) {
      var box = bar.getBoundingClientRect();
      var fraction = Math.min(1, Math.max(0, (event.clientX - box.left) / box.width));
      seek(data.start_ms + fraction * windowMs, !video.paused);
    });
    bar.addEventListener("keydown", function (event) {
      var by = { ArrowLeft: -5000, ArrowRight: 5000 }[event.key];
      if (by) { event.preventDefault(); seek(now() + by, !video.paused); }
    });

    load(0, 0, false);
  }

  /* Recorded stretches on the timeline: placed here, not in style="" attributes, which the
     Content-Security-Policy refuses (no inline style, issue 14 §4). */
  document.querySelectorAll(".timeline .block[data-left]").forEach(function (block) {
    block.style.left = block.dataset.left + "%";
    block.style.width = block.dataset.width + "%";
  });

  document.querySelectorAll(".player").forEach(function (root) {
    var script = document.getElementById("camera-data-" + root.dataset.camera);
    if (script && root.querySelector("video")) Player(root, JSON.parse(script.textContent));
  });
})();
