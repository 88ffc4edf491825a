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

// Lines of an order (repeating sections): add, copy, remove and reorder entries
// without reloading. Each entry posts its key in the section's order field; an
// entry added here posts "new-N" and gets its line number when the draft is saved.
(function () {
  let counter = 0;

  function freshKey() {
    counter += 1;
    return "new-" + Date.now().toString(36) + counter;
  }

  // Field names, ids and labels carry the entry's key between dashes.
  function rekey(node, oldKey, newKey) {
    const from = "-" + oldKey + "-";
    const to = "-" + newKey + "-";
    const attributes = ["name", "id", "for", "aria-describedby", "data-formkit-name", "data-show-if-name"];
    [node].concat(Array.from(node.querySelectorAll("*"))).forEach(function (element) {
      attributes.forEach(function (attribute) {
        const value = element.getAttribute(attribute);
        if (value && value.indexOf(from) !== -1) {
          element.setAttribute(attribute, value.split(from).join(to));
        }
      });
    });
    node.dataset.line = newKey;
    node.querySelectorAll("input[type=hidden]").forEach(function (input) {
      if (input.value === oldKey) {
        input.value = newKey;
      }
    });
  }

  function changed(fieldset) {
    fieldset.dispatchEvent(new Event("change", { bubbles: true }));
  }

  // The buttons submit the form when there is no script (the server applies the
  // action); here they act on the page, and Enter keeps submitting the form's own
  // first button.
  function plainButtons(root) {
    root.querySelectorAll("button[data-line-action]").forEach(function (button) {
      button.type = "button";
    });
    root.querySelectorAll("template.formkit-entry-template").forEach(function (template) {
      plainButtons(template.content);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      plainButtons(document);
    });
  } else {
    plainButtons(document);
  }
  // The builder's preview is swapped in by htmx.
  document.addEventListener("htmx:afterSettle", function () {
    plainButtons(document);
  });

  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-line-action]");
    if (!button) {
      return;
    }
    event.preventDefault();
    const fieldset = button.closest(".formkit-lines");
    const list = fieldset.querySelector(".formkit-entries");
    const entry = button.closest(".formkit-entry");
    const action = button.dataset.lineAction;
    if (action === "add") {
      const template = fieldset.querySelector("template.formkit-entry-template");
      const node = template.content.firstElementChild.cloneNode(true);
      rekey(node, node.dataset.line, freshKey());
      list.appendChild(node);
      const first = node.querySelector("input:not([type=hidden]), select, textarea");
      if (first) {
        first.focus();
      }
    } else if (action === "copy" && entry) {
      const node = entry.cloneNode(true);
      // Cloning keeps what inputs hold but not which options are selected.
      const selects = entry.querySelectorAll("select");
      node.querySelectorAll("select").forEach(function (select, index) {
        Array.from(select.options).forEach(function (option, optionIndex) {
          option.selected = selects[index].options[optionIndex].selected;
        });
      });
      // A copy starts without the original's file: the file stays the
      // original line's, and the copy gets one only when one is chosen for it.
      node.querySelectorAll("input[type=file]").forEach(function (input) {
        input.value = "";
      });
      node.querySelectorAll(".formkit-stored-file").forEach(function (note) {
        note.remove();
      });
      rekey(node, entry.dataset.line, freshKey());
      node.querySelector(".formkit-entry-label").textContent = "Copy (new)";
      // The copy is a region of its own: not a second one named like the original.
      node.setAttribute("aria-label", "Copy (new)");
      entry.after(node);
    } else if (action === "remove" && entry) {
      entry.remove();
    } else if (action === "up" && entry && entry.previousElementSibling) {
      entry.previousElementSibling.before(entry);
    } else if (action === "down" && entry && entry.nextElementSibling) {
      entry.nextElementSibling.after(entry);
    }
    changed(fieldset);
  });
})();
