// New order: a phone call or a meeting is no documented statement of requirements,
// so choosing such a channel picks "No" while nobody has answered yet. Without this
// file the question simply stays unanswered and must be answered.
"use strict";

(function () {
  const channel = document.querySelector('select[name="channel"]');
  if (!channel) {
    return;
  }
  const undocumented = ["phone", "in_person"];
  function suggestForChannel() {
    const radios = document.querySelectorAll('input[name="documented_statement"]');
    if (Array.from(radios).some((radio) => radio.checked)) {
      return;
    }
    if (undocumented.includes(channel.value)) {
      const no = document.querySelector('input[name="documented_statement"][value="no"]');
      if (no) {
        no.checked = true;
      }
    }
  }
  channel.addEventListener("change", suggestForChannel);
  // the channel may have been chosen before this file loaded (slow network, a form
  // re-shown after an error): apply the same rule to what is already selected
  suggestForChannel();
})();
