import { describe, expect, it } from "vitest";
import { escapeHtml, formatCell, htmlReport } from "../../src/report/html.js";
import { barPlot } from "../../src/report/plots.js";

describe("htmlReport", () => {
  it("escapes text in the title, captions, headers and cells", () => {
    const html = htmlReport({
      title: `<script>alert("x")</script> & co`,
      notes: ["R_int < 100 Ω & t+ > 0.8"],
      tables: [{ caption: "a 'quoted' <caption>", columns: ["design", "σ <S/cm>"], rows: [["<b>pellet</b>", 2.65e-4]] }],
      figures: [],
    });
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<b>pellet</b>");
    expect(html).toContain("<title>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co</title>");
    expect(html).toContain("<p>R_int &lt; 100 Ω &amp; t+ &gt; 0.8</p>");
    expect(html).toContain("<caption>a &#39;quoted&#39; &lt;caption&gt;</caption>");
    expect(html).toContain('<th scope="col">σ &lt;S/cm&gt;</th>');
    expect(html).toContain('<td>&lt;b&gt;pellet&lt;/b&gt;</td><td class="num">2.65e-4</td>');
    expect(escapeHtml(`&<>"'`)).toBe("&amp;&lt;&gt;&quot;&#39;");
  });

  it("is one self-contained page: doctype, utf-8, inline CSS and SVG, no external resources", async () => {
    const svg = await barPlot([{ label: "pellet", value: 1 }, { label: "bc", value: 2 }], { valueTitle: "R (Ω)" });
    const html = htmlReport({
      title: "comparison",
      tables: [{ caption: "results", columns: ["design", "R (Ω)"], rows: [["pellet", 1], ["bc", 2]] }],
      figures: [{ caption: "bulk resistance", svg }, { caption: "with a prolog", svg: `<?xml version="1.0" encoding="UTF-8"?>\n${svg}` }],
    });
    expect(html.startsWith("<!DOCTYPE html>\n<html lang=\"en\">")).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toMatch(/<style>[^<]+<\/style>/);
    expect(html.match(/<figure>\n<svg /g)).toHaveLength(2);
    expect(html).not.toContain("<?xml");
    expect(html.match(/<figcaption>/g)).toHaveLength(2);
    expect(html.match(/<tr>/g)).toHaveLength(3);
    // nothing is fetched: no src=, no <link>, no http(s) URL outside the SVG namespace declarations
    expect(html).not.toMatch(/\ssrc=|<link|<script|@import/);
    const urls = [...html.matchAll(/https?:\/\/[^"'\s)]+/g)].map((m) => m[0]);
    expect(new Set(urls)).toEqual(new Set(["http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"]));
    expect(html.endsWith("</html>\n")).toBe(true);
  });

  it("formats numbers to 4 significant digits and shows missing values as a dash", () => {
    expect([0, 42, 3.14159, 2.65e-4, 123456, -0.5, NaN, null, undefined, "x", true].map(formatCell)).toEqual([
      "0", "42", "3.142", "2.65e-4", "1.235e+5", "-0.5", "–", "–", "–", "x", "true",
    ]);
  });

  it("a number written out (value ± error) is right-aligned like a number, an empty one is a dash", () => {
    const html = htmlReport({ title: "t", tables: [{ caption: "c", columns: ["sigma", "Ea"], rows: [[{ number: "2.28e-4 ± 1.8e-5" }, { number: "" }]] }] });
    expect(html).toContain('<td class="num">2.28e-4 ± 1.8e-5</td><td>–</td>');
  });

  it("rejects a figure that is not static SVG and rows of the wrong width", () => {
    expect(() => htmlReport({ title: "t", figures: [{ caption: "c", svg: "<div>no</div>" }] })).toThrowErrorMatchingInlineSnapshot(
      `[InputError: figures[0].svg: got "<div>no</div>"; must be an SVG document (<svg ...>...</svg>)]`,
    );
    expect(() => htmlReport({ title: "t", figures: [{ caption: "c", svg: '<svg onload="x()"></svg>' }] })).toThrow(/script or event handler/);
    expect(() => htmlReport({ title: "t", tables: [{ caption: "c", columns: ["a", "b"], rows: [[1]] }] })).toThrowErrorMatchingInlineSnapshot(
      `[InputError: tables[0].rows[0]: got 1 cells; the table has 2 columns]`,
    );
  });
});
