import { describe, expect, it } from "vitest";
import { addFile, languageOf, parseManifest, pathFor, removeFile, renameFile, whyRefused, withManifest } from "./draft";
import { plural } from "./plural";

const rules = { folders: ["tests", "mutants", "hints", "docs"], extensions: [".cs", ".md", ".json", ".txt"] };

const draft = () => ({
  "kata.json": JSON.stringify({
    id: "k", title: "K", reference: "reference.cs", tests: ["tests/A.cs"],
    mutants: [{ file: "mutants/m1.cs", finding: "deadlock", mistake: "two locks" }], hints: ["h"],
  }),
  "reference.cs": "public class Counter { }",
  "tests/A.cs": "// a",
  "mutants/m1.cs": "// m1",
});

describe("file names", () => {
  it("refuses what the server refuses: traversal, absolute paths, backslashes, other folders, other extensions, hidden names", () => {
    for (const bad of ["../x.cs", "/etc/passwd", "tests/../../x.cs", "a\\b.cs", "secrets/x.cs", "tests/deep/x.cs", "run.sh", "tests/.x.cs", "tests/x", "x y.cs", ""])
      expect(whyRefused(bad, rules, []), bad).not.toBeNull();
    expect(whyRefused("mutants/lock-on-this.cs", rules, [])).toBeNull();
    expect(whyRefused("hints/hint-1.md", rules, [])).toBeNull();
  });

  it("refuses a name that exists already, ignoring case", () => {
    expect(whyRefused("tests/a.cs", rules, ["tests/A.cs"])).toContain("exists already");
  });

  it("puts a new file of a kind in its folder", () => {
    expect(pathFor("mutant", "lock-on-this")).toBe("mutants/lock-on-this.cs");
    expect(pathFor("test", "OrderTests.cs")).toBe("tests/OrderTests.cs");
    expect(pathFor("markdown", "hint-2")).toBe("hints/hint-2.md");
    expect(pathFor("other", "docs/notes.md")).toBe("docs/notes.md");
  });
});

describe("the manifest follows the files", () => {
  it("adds a mutant as a copy of the reference, listed with its finding and mistake", () => {
    const files = addFile(draft(), "mutants/m2.cs", "mutant", { finding: "lost-update", mistake: "++ is not atomic" });
    expect(files["mutants/m2.cs"]).toBe("public class Counter { }");
    expect(parseManifest(files["kata.json"]).manifest!.mutants).toEqual([
      { file: "mutants/m1.cs", finding: "deadlock", mistake: "two locks" },
      { file: "mutants/m2.cs", finding: "lost-update", mistake: "++ is not atomic" },
    ]);
  });

  it("lists a new test in the manifest's tests", () => {
    const files = addFile(draft(), "tests/B.cs", "test");
    expect(parseManifest(files["kata.json"]).manifest!.tests).toEqual(["tests/A.cs", "tests/B.cs"]);
    expect(files["tests/B.cs"]).toContain("[KataTest(");
  });

  it("renames a file and every reference to it", () => {
    const files = renameFile(draft(), "mutants/m1.cs", "mutants/two-locks.cs");
    expect(files["mutants/m1.cs"]).toBeUndefined();
    expect(files["mutants/two-locks.cs"]).toBe("// m1");
    expect(parseManifest(files["kata.json"]).manifest!.mutants![0].file).toBe("mutants/two-locks.cs");
    const reference = renameFile(draft(), "reference.cs", "solution.cs");
    expect(parseManifest(reference["kata.json"]).manifest!.reference).toBe("solution.cs");
  });

  it("removes a file with its manifest entry", () => {
    const files = removeFile(removeFile(draft(), "tests/A.cs"), "mutants/m1.cs");
    const manifest = parseManifest(files["kata.json"]).manifest!;
    expect(manifest.tests).toEqual([]);
    expect(manifest.mutants).toEqual([]);
    expect(Object.keys(files).sort()).toEqual(["kata.json", "reference.cs"]);
  });

  it("leaves the files alone when kata.json does not parse, and says why", () => {
    const broken = { ...draft(), "kata.json": "{ oops" };
    expect(withManifest(broken, (m) => { m.title = "x"; })).toBe(broken);
    expect(parseManifest(broken["kata.json"]).error).toContain("not valid JSON");
  });
});

describe("small words", () => {
  it("pluralises counts", () => {
    expect(plural(1, "learner")).toBe("1 learner");
    expect(plural(0, "learner")).toBe("0 learners");
    expect(plural(2, "attempt")).toBe("2 attempts");
  });

  it("highlights markdown and JSON as themselves", () => {
    expect(languageOf("README.md")).toBe("markdown");
    expect(languageOf("kata.json")).toBe("json");
    expect(languageOf("tests/A.cs")).toBe("csharp");
  });
});
