// Kata statements are markdown written by instructors; hints too. Rendered with marked,
// then sanitized with DOMPurify before they reach the page: no scripts, no event handlers,
// no javascript: links, whatever the markdown holds.
import { marked } from "marked";
import DOMPurify from "dompurify";

let hooked = false;

function purifier() {
  if (!hooked) {
    // Links open outside the app without handing it a window.opener.
    DOMPurify.addHook("afterSanitizeAttributes", (node) => {
      if (node.tagName === "A" && node.getAttribute("href")) {
        node.setAttribute("target", "_blank");
        node.setAttribute("rel", "noopener noreferrer");
      }
    });
    hooked = true;
  }
  return DOMPurify;
}

export function renderMarkdown(markdown: string): string {
  const html = marked.parse(markdown, { async: false, gfm: true }) as string;
  return purifier().sanitize(html, {
    USE_PROFILES: { html: true },
    FORBID_TAGS: ["style", "form", "input", "button", "textarea", "select", "iframe", "object", "embed"],
    FORBID_ATTR: ["style"],
  });
}
