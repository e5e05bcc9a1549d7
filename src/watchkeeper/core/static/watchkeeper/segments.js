/* Recorded footage as one <video> (design/viewing.md, design/redaction.md "Review"): each segment is a
   self-contained MP4 that the server sends after its authorisation check, so the footage player and the
   redaction review both play a window by swapping the video's source from segment to segment.
   Watchkeeper.segments(root, segments, frame, shown) finds the root's <video> and Play button and returns
   {index, pending, load(i, offset, play), video, playButton}: load starts segment i (with {url, id}) and,
   once its metadata is in, seeks `offset` seconds in (never past its last frame, `frame` seconds long) and
   plays if asked; at its end the next segment plays from its start; Play plays or pauses; `shown` is
   called whenever what is shown may have changed. */
(function () {
  "use strict";
  window.Watchkeeper = window.Watchkeeper || {};

  window.Watchkeeper.segments = function (root, segments, frame, shown) {
    var video = root.querySelector("video");
    var sequence = { index: -1, pending: null, video: video, playButton: root.querySelector(".play") };

    sequence.load = function (i, offset, play) {
      sequence.index = i;
      sequence.pending = { offset: offset, play: play };
      video.src = segments[i].url;
      video.dataset.segment = segments[i].id;
    };

    video.addEventListener("loadedmetadata", function () {
      var wanted = sequence.pending || { offset: 0, play: false };
      sequence.pending = null;
      if (wanted.offset > 0) video.currentTime = Math.min(wanted.offset, Math.max(0, video.duration - frame));
      if (wanted.play) video.play();
      shown();
    });
    video.addEventListener("ended", function () {
      if (sequence.index + 1 < segments.length) sequence.load(sequence.index + 1, 0, true);
    });
    ["timeupdate", "seeked", "pause", "play"].forEach(function (name) { video.addEventListener(name, shown); });
    sequence.playButton.addEventListener("click", function () {
      if (sequence.index < 0) sequence.load(0, 0, true);
      else if (video.paused) video.play();
      else video.pause();
    });
    return sequence;
  };
})();
