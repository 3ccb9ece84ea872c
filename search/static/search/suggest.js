// Title suggestions for the search box: fetched from /search/suggest/ (filtered by the reader's access on the server).
(function () {
  var input = document.querySelector("input[data-suggest-url]");
  var list = document.getElementById("search-suggestions");
  if (!input || !list || !window.fetch) return;
  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    var text = input.value.trim();
    if (text.length < 2) { list.replaceChildren(); return; }
    timer = setTimeout(function () {
      fetch(input.dataset.suggestUrl + "?q=" + encodeURIComponent(text), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
        .then(function (data) {
          list.replaceChildren.apply(list, data.suggestions.map(function (title) {
            var option = document.createElement("option");
            option.value = title;
            return option;
          }));
        })
        .catch(function () {});
    }, 200);
  });
})();
