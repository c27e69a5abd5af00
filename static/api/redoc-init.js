// Redoc from a <div> (valid HTML, unlike the <redoc> custom element) with the schema address in data-spec-url;
// an external file, so that the page's Content-Security-Policy keeps script-src 'self'.
(function () {
  var element = document.getElementById("redoc");
  window.Redoc.init(element.dataset.specUrl, {}, element);
})();
