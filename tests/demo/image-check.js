// Injected by demo-page.sh into a copy of the demo page: once the page has loaded, appends
// <pre id="image-check">images=N broken=M <srcs of the broken ones></pre> for --dump-dom.
window.addEventListener("load", function () {
  var bad = [];
  var imgs = document.images;
  for (var i = 0; i < imgs.length; i++) {
    if (!imgs[i].complete || imgs[i].naturalWidth === 0) {
      bad.push(imgs[i].getAttribute("src"));
    }
  }
  var pre = document.createElement("pre");
  pre.id = "image-check";
  pre.textContent = "images=" + imgs.length + " broken=" + bad.length + " " + bad.join(" ");
  document.body.appendChild(pre);
});
