// OrderReview's small behaviours. Pages work without this file; it only adds comfort.
"use strict";

// Confirm destructive actions: <form data-confirm="Really delete?">.
document.addEventListener("submit", function (event) {
  const message = event.target.dataset && event.target.dataset.confirm;
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});
