/* Initiatives: privacy-friendly video embeds. Nothing is loaded from the video site until the
 * visitor clicks the button; then the button is replaced by the player's iframe.
 *   <div data-video-embed="https://www.youtube-nocookie.com/embed/ID" data-video-title="…">
 *     <button class="video-play">…</button></div>
 */
(function () {
  "use strict";

  var ALLOWED = /^https:\/\/(www\.youtube-nocookie\.com\/embed\/|player\.vimeo\.com\/video\/|[a-z0-9.-]+\/videos\/embed\/)/i;

  function initVideo(box) {
    var button = box.querySelector(".video-play");
    if (!button || box.dataset.ready) return;
    box.dataset.ready = "1";
    button.addEventListener("click", function () {
      var src = box.dataset.videoEmbed || "";
      if (!ALLOWED.test(src)) return;
      var frame = document.createElement("iframe");
      frame.src = src;
      frame.title = box.dataset.videoTitle || "";
      frame.width = "560";
      frame.height = "315";
      frame.loading = "lazy";
      frame.allow = "autoplay; fullscreen; picture-in-picture";
      frame.setAttribute("allowfullscreen", "");
      frame.referrerPolicy = "strict-origin-when-cross-origin";
      frame.setAttribute("sandbox", "allow-scripts allow-same-origin allow-presentation allow-popups");
      box.replaceChild(frame, button);
      frame.focus();
    });
  }

  function init() {
    document.querySelectorAll("[data-video-embed]").forEach(initVideo);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
