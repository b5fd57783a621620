import { describe, expect, it } from "vitest";
import { renderMarkdown } from "./render";

const dom = (html: string) => {
  const div = document.createElement("div");
  div.innerHTML = html;
  return div;
};

describe("renderMarkdown", () => {
  it("renders the markdown a statement uses", () => {
    const html = renderMarkdown("# Transfer\n\nMove `amount` **safely**.\n\n```csharp\nlock (a) { }\n```\n\n- one\n- two");
    const d = dom(html);
    expect(d.querySelector("h1")?.textContent).toBe("Transfer");
    expect(d.querySelector("code")?.textContent).toBe("amount");
    expect(d.querySelector("strong")?.textContent).toBe("safely");
    expect(d.querySelector("pre code")?.textContent).toContain("lock (a)");
    expect(d.querySelectorAll("li")).toHaveLength(2);
  });

  it("strips script tags, raw or inside html blocks", () => {
    const html = renderMarkdown("Hello <script>alert(1)</script>\n\n<div><script src=\"https://evil.example/x.js\"></script>hi</div>");
    expect(html.toLowerCase()).not.toContain("<script");
    expect(dom(html).querySelectorAll("script")).toHaveLength(0);
    expect(html).toContain("hi");
  });

  it("strips event handlers", () => {
    const html = renderMarkdown('<img src="x.png" onerror="alert(1)"> <a href="#a" onclick="steal()">a</a> <svg onload="alert(2)"></svg> <details open ontoggle="alert(3)">x</details>');
    const d = dom(html);
    for (const el of d.querySelectorAll("*")) {
      for (const attr of el.getAttributeNames()) expect(attr.startsWith("on"), `${el.tagName} ${attr}`).toBe(false);
    }
    expect(html).not.toMatch(/alert|steal/);
  });

  it("strips javascript: and data: links in markdown and in html", () => {
    const html = renderMarkdown('[click](javascript:alert(1)) [b](JaVaScRiPt:alert(2)) <a href="  javascript:alert(3)">c</a> [d](data:text/html;base64,PHNjcmlwdD4=) <a href="vbscript:x">e</a>');
    for (const a of dom(html).querySelectorAll("a")) {
      const href = a.getAttribute("href");
      if (href !== null) expect(href).not.toMatch(/^\s*(javascript|data|vbscript):/i);
    }
    expect(html.toLowerCase()).not.toContain("javascript:");
    expect(html.toLowerCase()).not.toContain("data:text/html");
  });

  it("strips iframes, forms and inline styles", () => {
    const html = renderMarkdown('<iframe src="https://evil.example"></iframe><form action="/api/auth/signout" method="post"><button>go</button></form><p style="position:fixed">x</p>');
    const d = dom(html);
    expect(d.querySelector("iframe, form, button")).toBeNull();
    expect(d.querySelector("[style]")).toBeNull();
  });

  it("keeps ordinary links, opening outside without an opener", () => {
    const a = dom(renderMarkdown("[docs](https://learn.microsoft.com/dotnet)")).querySelector("a")!;
    expect(a.getAttribute("href")).toBe("https://learn.microsoft.com/dotnet");
    expect(a.getAttribute("rel")).toBe("noopener noreferrer");
  });
});
