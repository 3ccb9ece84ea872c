// Saves each answer as soon as it changes, so a crash or reload loses nothing; the server keeps the clock.
(function () {
    "use strict";
    var form = document.getElementById("quiz-form");
    if (!form) { return; }
    var url = form.getAttribute("data-answer-url");
    var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;

    function save(fieldset) {
        var data = new FormData();
        data.append("csrfmiddlewaretoken", token);
        data.append("question", fieldset.getAttribute("data-question"));
        fieldset.querySelectorAll("input:checked").forEach(function (input) { data.append("choice", input.value); });
        var text = fieldset.querySelector("input[type=text]");
        if (text) { data.append("text", text.value); }
        var status = fieldset.querySelector(".saved");
        fetch(url, {method: "POST", body: data, credentials: "same-origin", headers: {"X-CSRFToken": token}})
            .then(function (response) {
                status.textContent = response.ok ? "✓" : "!";
                if (response.status === 409) { form.submit(); }
            })
            .catch(function () { status.textContent = "!"; });
    }

    form.querySelectorAll("fieldset.question").forEach(function (fieldset) {
        fieldset.addEventListener("change", function () { save(fieldset); });
    });

    var timer = document.getElementById("quiz-timer");
    var left = parseInt(timer.getAttribute("data-seconds"), 10);
    var shown = timer.querySelector(".countdown");
    setInterval(function () {
        left = Math.max(0, left - 1);
        shown.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
        if (left === 0 && !form.dataset.sent) { form.dataset.sent = "1"; form.submit(); }
    }, 1000);
}());
