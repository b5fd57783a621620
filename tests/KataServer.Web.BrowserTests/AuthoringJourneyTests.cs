using System.Text.Json.Nodes;
using KataServer.Web.Tests;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace KataServer.Web.BrowserTests;

/// <summary>A host whose validations grade the reference once, so the journey below stays short.</summary>
public sealed class AuthoringBrowserFixture() : BrowserFixture(new Dictionary<string, string> { ["KataServer__ValidationReferenceRuns"] = "1" });

/// <summary>
/// The proof in the browser: an instructor authors a small kata whose mutant survives, validation refuses to
/// publish and names the mutant, a test is strengthened and the kata published; a learner joins the cohort by its link
/// and solves it; the cohort page shows the attempt. A learner is kept out of the authoring pages.
/// </summary>
public sealed class AuthoringJourneyTests(AuthoringBrowserFixture fixture) : IClassFixture<AuthoringBrowserFixture>
{
    private static readonly LocatorAssertionsToBeVisibleOptions GradeTimeout = new() { Timeout = 300_000 };
    private const string AdditionsTest = "    [KataTest(Description = \"Two threads add at once: Total counts every addition.\")]";

    /// <summary>A fourth mutant the instructor writes in the browser: a lock on a fresh object excludes nobody.</summary>
    private const string LockPerCallMutant = """
        using System.Threading;

        public sealed class Counter
        {
            private long _count;

            public void Increment()
            {
                lock (new object()) { _count++; }
            }

            public void Add(long amount) => Interlocked.Add(ref _count, amount);

            public long Total => Interlocked.Read(ref _count);
        }

        """;

    [Fact]
    public async Task An_instructor_fixes_a_surviving_mutant_publishes_and_sees_a_cohort_learner_solve_the_kata()
    {
        var added = await fixture.Server.RunCommandAsync("correct-horse-battery", "users", "add", "teacher@example.org", "--role", "instructor");
        Assert.True(added.ExitCode == 0, added.Errors);
        var teacher = await fixture.NewPageAsync();
        await teacher.GotoAsync("/signin");
        await teacher.GetByLabel("Email").FillAsync("teacher@example.org");
        await teacher.GetByLabel("Password").FillAsync("correct-horse-battery");
        await teacher.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Expect(teacher.GetByRole(AriaRole.Link, new() { Name = "Teach" })).ToBeVisibleAsync();

        // A new kata from the template; its hidden test is weakened so that one mutant survives.
        await teacher.GotoAsync("/teach");
        await teacher.Locator("input[name=kata-id]").FillAsync("tiny-sum");
        await teacher.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await Expect(teacher.Locator(".authoring > h1")).ToContainTextAsync("tiny-sum");

        // A mutant added from the browser alone: its file (starting as the reference, then made wrong) and its manifest entry.
        await teacher.Locator("select[name=file-kind]").SelectOptionAsync("mutant");
        await teacher.Locator("input[name=file-name]").FillAsync("lock-per-call");
        await teacher.Locator("select[name=mutant-finding]").SelectOptionAsync("lost-update");
        await teacher.Locator("input[name=mutant-mistake]").FillAsync("A lock on a new object each call excludes nobody: two increments still race.");
        await teacher.GetByRole(AriaRole.Button, new() { Name = "Add", Exact = true }).ClickAsync();
        await Expect(teacher.GetByRole(AriaRole.Button, new() { Name = "mutants/lock-per-call.cs", Exact = true })).ToHaveAttributeAsync("aria-current", "true");
        await Expect(teacher.Locator(".monaco-editor .view-lines").First).ToContainTextAsync("Interlocked.Increment");
        await ReplaceEditorTextAsync(teacher, LockPerCallMutant);
        // A name outside the kata folder is refused at once, naming the rule.
        await teacher.Locator("select[name=file-kind]").SelectOptionAsync("other");
        await teacher.Locator("input[name=file-name]").FillAsync("../escape.cs");
        await teacher.GetByRole(AriaRole.Button, new() { Name = "Add", Exact = true }).ClickAsync();
        await Expect(teacher.Locator(".file-actions .error-box")).ToContainTextAsync("not a file path inside the kata folder");
        await Expect(teacher.GetByRole(AriaRole.Button, new() { Name = "../escape.cs", Exact = true })).ToHaveCountAsync(0);
        // The manifest form lists the new mutant with its finding and mistake.
        await teacher.GetByRole(AriaRole.Button, new() { Name = "Manifest (form)" }).ClickAsync();
        await Expect(teacher.GetByLabel("Mutant 4 file")).ToHaveValueAsync("mutants/lock-per-call.cs");
        await Expect(teacher.GetByLabel("Mutant 4 finding")).ToHaveValueAsync("lost-update");
        await Expect(teacher.GetByLabel("Mutant 4 mistake")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("excludes nobody"));
        await teacher.Locator("input[name=budget-exploreSchedules]").FillAsync("400");
        await Screenshot(teacher, "authoring-0-manifest-form");

        await teacher.GetByRole(AriaRole.Button, new() { Name = "tests/CounterTests.cs", Exact = true }).ClickAsync();
        var strong = await TemplateTestAsync();
        var weak = strong[..strong.IndexOf(AdditionsTest, StringComparison.Ordinal)].TrimEnd() + "\n}\n";
        await ReplaceEditorTextAsync(teacher, weak);
        await teacher.GetByRole(AriaRole.Button, new() { Name = "Validate" }).ClickAsync();
        var missed = teacher.Locator(".mutants tr.missed");
        await Expect(missed).ToBeVisibleAsync(GradeTimeout);
        await Expect(missed).ToContainTextAsync("add-not-atomic");
        // Validation checked the mutant added in the browser and names it: the weakened test still catches it.
        await Expect(teacher.Locator(".mutants tr.caught", new() { HasText = "lock-per-call" })).ToContainTextAsync("lost-update");
        var saved = JsonNode.Parse(await (await teacher.Context.APIRequest.GetAsync("/api/authoring/katas/tiny-sum")).TextAsync())!;
        Assert.Contains("\"exploreSchedules\": 400", (string)saved["files"]!["kata.json"]!);
        await Expect(teacher.Locator(".validation-verdict")).ToContainTextAsync("Not valid");
        await Screenshot(teacher, "authoring-1-mutant-survives");
        await teacher.GetByRole(AriaRole.Button, new() { Name = "Publish" }).ClickAsync();
        await Expect(teacher.Locator(".authoring > .error-box")).ToContainTextAsync("mutant add-not-atomic");

        // Strengthen the test: every mutant is caught, and the kata is published.
        await ReplaceEditorTextAsync(teacher, strong);
        await teacher.GetByRole(AriaRole.Button, new() { Name = "Validate" }).ClickAsync();
        await Expect(teacher.Locator(".validation-verdict.passed")).ToBeVisibleAsync(GradeTimeout);
        await Expect(teacher.Locator(".mutants tr.missed")).ToHaveCountAsync(0);
        await Screenshot(teacher, "authoring-2-validated");
        await teacher.GetByRole(AriaRole.Button, new() { Name = "Publish" }).ClickAsync();
        await Expect(teacher.Locator(".authoring > p.muted")).ToContainTextAsync("published version 1");

        // A cohort with the kata assigned, and an invite link.
        await teacher.GotoAsync("/teach/cohorts");
        await teacher.Locator("input[name=cohort-name]").FillAsync("Friday group");
        await teacher.GetByRole(AriaRole.Button, new() { Name = "Create cohort" }).ClickAsync();
        await Expect(teacher.Locator(".cohort h1")).ToHaveTextAsync("Friday group");
        await teacher.Locator("select[name=assign-kata]").SelectOptionAsync("tiny-sum");
        await teacher.GetByRole(AriaRole.Button, new() { Name = "Assign", Exact = true }).ClickAsync();
        await Expect(teacher.Locator(".kata-stats")).ToContainTextAsync("A counter that keeps every hit");
        await teacher.GetByRole(AriaRole.Button, new() { Name = "Create invite link" }).ClickAsync();
        var link = await teacher.Locator(".invite-link").InputValueAsync();
        Assert.Contains("/join/", link);

        // The learner joins by the link, cannot open the authoring pages, and solves the kata.
        var learner = await fixture.NewPageAsync();
        await BrowserFixture.SignUpAsync(learner, "lin@example.org", "Lin");
        await learner.GotoAsync("/teach/katas/tiny-sum");
        await Expect(learner.Locator("main h1")).ToHaveTextAsync("Instructors only");
        await learner.GotoAsync(new Uri(link).PathAndQuery);
        await Expect(learner.Locator("main h1")).ToHaveTextAsync("You joined Friday group");
        await learner.GetByRole(AriaRole.Link, new() { Name = "A counter that keeps every hit" }).ClickAsync();
        await Expect(learner.Locator(".monaco-editor .view-lines").First).ToContainTextAsync("class Counter");
        await ReplaceEditorTextAsync(learner, await TemplateFileAsync("reference.cs"));
        await learner.GetByRole(AriaRole.Button, new() { Name = "Submit", Exact = true }).ClickAsync();
        var verdict = learner.Locator(".results .verdict-word");
        await Expect(verdict).ToBeVisibleAsync(GradeTimeout);
        await Expect(verdict).ToHaveTextAsync("Passed");

        // The cohort page shows the attempt, and the pass rate in the chart.
        await teacher.ReloadAsync();
        await Expect(teacher.Locator(".learner .attempt").First).ToContainTextAsync("passed");
        await Expect(teacher.Locator(".cohort-chart")).ToContainTextAsync("100 % passed");
        await Expect(teacher.Locator(".cohort")).ToContainTextAsync("1 learner.");
        await Expect(teacher.Locator(".learner summary").First).ToContainTextAsync("(1 attempt)");
        await Screenshot(teacher, "authoring-3-cohort");
        var cohortUrl = teacher.Url;

        // The attempt opens as a page: its report and the learner's code.
        await teacher.Locator(".learner .attempt").First.GetByRole(AriaRole.Link, new() { Name = "code and report" }).ClickAsync();
        await Expect(teacher.Locator(".submission .verdict-word")).ToHaveTextAsync("Passed");
        await Expect(teacher.GetByTestId("submission-code")).ToContainTextAsync("class Counter");

        // The kata's export, imported again from the list page's file input, becomes its next draft.
        var before = await DraftRevisionAsync(teacher);
        var exported = await teacher.Context.APIRequest.GetAsync("/api/authoring/katas/tiny-sum/export");
        Assert.True(exported.Ok, $"export answered {exported.Status}");
        await teacher.GotoAsync("/teach");
        await teacher.Locator("input[name=kata-zip]").SetInputFilesAsync(new FilePayload
        {
            Name = "tiny-sum.zip", MimeType = "application/zip", Buffer = await exported.BodyAsync(),
        });
        await Expect(teacher.Locator(".authoring > h1")).ToContainTextAsync("tiny-sum");
        Assert.Equal(before + 1, await DraftRevisionAsync(teacher));

        // The cohort is deleted after a confirmation; the learner's submission stays theirs.
        await teacher.GotoAsync(cohortUrl);
        await teacher.GetByRole(AriaRole.Button, new() { Name = "Delete cohort…" }).ClickAsync();
        await Expect(teacher.Locator(".confirm")).ToContainTextAsync("The learners keep their submissions");
        await teacher.GetByRole(AriaRole.Button, new() { Name = "Delete for good" }).ClickAsync();
        await Expect(teacher.Locator("main h1")).ToHaveTextAsync("Your cohorts");
        await Expect(teacher.GetByRole(AriaRole.Link, new() { Name = "Friday group" })).ToHaveCountAsync(0);
        var mine = await learner.Context.APIRequest.GetAsync("/api/submissions");
        Assert.Contains("tiny-sum", await mine.TextAsync());
    }

    private static async Task<int> DraftRevisionAsync(IPage page)
    {
        var kata = await page.Context.APIRequest.GetAsync("/api/authoring/katas/tiny-sum");
        Assert.True(kata.Ok, $"the authored kata answered {kata.Status}");
        return JsonNode.Parse(await kata.TextAsync())!["draftRevision"]!.GetValue<int>();
    }

    /// <summary>Replaces the open Monaco editor's text by a paste (no auto-closing of brackets, no re-indenting).</summary>
    private static async Task ReplaceEditorTextAsync(IPage page, string text)
    {
        await page.Locator(".monaco-editor .view-lines").First.ClickAsync();
        await page.Keyboard.PressAsync("Control+A");
        await BrowserFixture.PasteAsync(page, text);
        await page.Keyboard.PressAsync("Control+Home");
    }

    private static Task<string> TemplateTestAsync() => TemplateFileAsync("tests/CounterTests.cs");

    private static Task<string> TemplateFileAsync(string path) =>
        File.ReadAllTextAsync(Path.Combine(Repository.Root, "src", "KataServer.Platform", "Authoring", "Template", path));

    private async Task Screenshot(IPage page, string name) =>
        await page.ScreenshotAsync(new() { Path = Path.Combine(fixture.ArtifactsDirectory, $"{name}.png"), FullPage = true });
}
