// Draws the API reference from the served OpenAPI document with the bundled Redoc (no CDN).
(function () {
  var element = document.getElementById("api-reference");
  if (!element || !window.Redoc) { return; }
  window.Redoc.init(element.getAttribute("data-spec-url"), {
    disableSearch: true,
    hideDownloadButton: false,
    expandResponses: "200,201,202",
    theme: { typography: { fontFamily: "system-ui, sans-serif", headings: { fontFamily: "system-ui, sans-serif" } } }
  }, element);
})();
