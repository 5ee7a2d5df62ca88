// Copy buttons beside the citations on a statement's page. Without JavaScript the buttons
// stay hidden and the read-only text boxes can still be selected and copied by hand.
(function () {
  "use strict";
  var status = document.querySelector(".copy-status");

  function say(message) {
    if (status) {
      status.textContent = message;
    }
  }

  function copyFrom(box) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(box.value);
    }
    // Plain http: select the text and use the older command.
    box.focus();
    box.select();
    return document.execCommand("copy") ? Promise.resolve() : Promise.reject();
  }

  document.querySelectorAll("button.copy[data-copy]").forEach(function (button) {
    var box = document.getElementById(button.getAttribute("data-copy"));
    if (!box) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var label = box.labels && box.labels.length ? box.labels[0].textContent : "Citation";
      copyFrom(box).then(
        function () { say(label + " copied."); },
        function () {
          box.focus();
          box.select();
          say("Copying failed: the text is selected, press Ctrl+C or Cmd+C.");
        }
      );
    });
  });
})();
