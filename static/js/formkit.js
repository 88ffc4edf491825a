// Order forms: show and hide questions live as their show-if rules change.
// The server evaluates the same rules on every submit, so pages work without this file;
// with it, hidden questions are also disabled so the browser neither demands nor sends
// an answer to them.
"use strict";

(function () {
  function submittedValues(form, name) {
    const values = [];
    form.querySelectorAll("[name]").forEach(function (input) {
      if (input.name !== name || input.disabled) {
        return;
      }
      if (input.type === "checkbox" || input.type === "radio") {
        if (input.checked) {
          values.push(input.value);
        }
      } else if (input.tagName === "SELECT") {
        Array.from(input.selectedOptions).forEach(function (option) {
          if (option.value !== "") {
            values.push(option.value);
          }
        });
      } else if (input.value.trim() !== "") {
        values.push(input.value.trim());
      }
    });
    return values;
  }

  function setShown(wrapper, shown) {
    wrapper.hidden = !shown;
    wrapper.querySelectorAll("input, select, textarea").forEach(function (input) {
      input.disabled = !shown;
    });
  }

  // Rules point at earlier questions, so one pass in document order settles chains.
  function update(root) {
    const scope = root || document;
    const visible = new Set();
    scope.querySelectorAll("[data-formkit-name]").forEach(function (wrapper) {
      const controller = wrapper.dataset.showIfName;
      let shown = true;
      if (controller) {
        let wanted = [];
        try {
          wanted = JSON.parse(wrapper.dataset.showIfValues || "[]");
        } catch (error) {
          wanted = [];
        }
        const form = wrapper.closest("form") || scope;
        const current = visible.has(controller)
          ? submittedValues(form, controller)
          : [];
        shown = current.some(function (value) {
          return wanted.indexOf(value) !== -1;
        });
      }
      setShown(wrapper, shown);
      if (shown) {
        visible.add(wrapper.dataset.formkitName);
      }
    });
  }

  document.addEventListener("input", function () {
    update(document);
  });
  document.addEventListener("change", function () {
    update(document);
  });
  document.addEventListener("DOMContentLoaded", function () {
    update(document);
  });
  // The builder re-renders its preview with htmx.
  document.addEventListener("htmx:afterSwap", function () {
    update(document);
  });
  if (document.readyState !== "loading") {
    update(document);
  }
})();
