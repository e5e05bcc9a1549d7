// Live view (8.1): each tile fetches its camera's fragmented MP4 stream and appends it to a MediaSource.
// The server sends the codecs string in X-Live-Codecs (from the camera's H.264 parameter sets). The
// picture is kept within 1.5 s of the live edge; nothing is stored (Cache-Control: no-store).
"use strict";
(function () {
  const MAX_BEHIND = 1.5;
  // Tiles start by themselves when the page opens (issue 15 §5), as many as the browser has connections to
  // spare: it opens about six at a time to a server, and each live picture holds one open.
  const AUTOSTART = 4;

  function watch(tile) {
    const video = tile.querySelector("video");
    const state = tile.querySelector(".state");
    const watchButton = tile.querySelector(".watch");
    const stopButton = tile.querySelector(".stop");
    const abort = new AbortController();
    const source = new MediaSource();
    const queue = [];
    let buffer = null;
    let done = false;

    function show(text) { state.textContent = text; }
    function pump() {
      if (!buffer || buffer.updating || !queue.length) return;
      try {
        buffer.appendBuffer(queue.shift());
      } catch (error) {
        show("Stopped: " + error.message);
        abort.abort();
      }
    }
    function chase() {
      const ranges = video.buffered;
      if (!ranges.length) return;
      const edge = ranges.end(ranges.length - 1);
      if (edge - video.currentTime > MAX_BEHIND || video.currentTime < ranges.start(0)) {
        video.currentTime = Math.max(ranges.start(ranges.length - 1), edge - 0.3);
      }
      // Keep about 30 s of picture: the rest is removed so a long session does not fill the memory.
      if (!buffer.updating && video.currentTime - ranges.start(0) > 60) {
        buffer.remove(0, video.currentTime - 30);
      }
    }
    function stop(message) {
      if (done) return;
      done = true;
      abort.abort();
      show(message);
      watchButton.hidden = false;
      stopButton.hidden = true;
      tile.watching = null;
    }

    delete video.dataset.firstChunk;
    video.src = URL.createObjectURL(source);
    source.addEventListener("sourceopen", async () => {
      try {
        const response = await fetch(tile.dataset.stream, { signal: abort.signal, cache: "no-store" });
        if (!response.ok) {
          stop("Not shown: " + (await response.text()));
          return;
        }
        const type = response.headers.get("X-Live-Codecs") || 'video/mp4; codecs="avc1.42e01e"';
        if (!MediaSource.isTypeSupported(type)) {
          stop("This browser cannot play " + type);
          return;
        }
        buffer = source.addSourceBuffer(type);
        buffer.mode = "segments";
        buffer.addEventListener("updateend", () => { chase(); pump(); });
        show("Live");
        const reader = response.body.getReader();
        for (;;) {
          const { value, done: finished } = await reader.read();
          if (finished) break;
          // When the first bytes (the header, sent with the first key frame) came: the measure of latency.
          if (!video.dataset.firstChunk) video.dataset.firstChunk = String(performance.now());
          queue.push(value);
          pump();
          video.play().catch(() => {});
        }
        stop("Ended (the session's time limit, or the camera stopped). Press Watch to carry on.");
      } catch (error) {
        stop(abort.signal.aborted ? "Not watching" : "Stopped: " + error.message);
      }
    });
    watchButton.hidden = true;
    stopButton.hidden = false;
    show("Connecting…");
    tile.watching = () => stop("Not watching");
  }

  const tiles = document.querySelectorAll(".card.live[data-stream]");
  for (const tile of tiles) {
    tile.querySelector(".watch").addEventListener("click", () => watch(tile));
    tile.querySelector(".stop").addEventListener("click", () => tile.watching && tile.watching());
  }
  Array.from(tiles).slice(0, AUTOSTART).forEach(watch);
})();
