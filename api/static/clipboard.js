// Copying text to the clipboard, with a fallback for pages where the Clipboard API is refused
// (an insecure origin or no permission): one place for the reply and the ticket copy buttons.
"use strict";

window.copyText = async function (text) {
  try {
    await navigator.clipboard.writeText(text);
  } catch (_) {
    const area = document.createElement("textarea");
    area.value = text;
    document.body.append(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }
};
