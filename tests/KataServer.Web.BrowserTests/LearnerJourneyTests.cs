using System.Text.RegularExpressions;
using KataServer.Web.Tests;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace KataServer.Web.BrowserTests;

/// <summary>
/// What a learner does in the browser, against the real host and a real grade: sign up, fail with the deadlock of the
/// starter and see it drawn, get a compile error underlined while typing, pass with the reference, find both in the
/// history. Each state is saved as a screenshot in bin/.../artifacts.
/// </summary>
[Collection("browser")]
public sealed class LearnerJourneyTests(BrowserFixture fixture)
{
    // A full grade (explore, stress, measure) on a loaded CI machine; the page waits as long as the learner would.
    private static readonly LocatorAssertionsToBeVisibleOptions GradeTimeout = new() { Timeout = 300_000 };

    [Fact]
    public async Task A_learner_fails_with_the_drawn_deadlock_sees_a_compile_error_then_passes_and_finds_both_in_the_history()
    {
        var page = await fixture.NewPageAsync();
        var foreignRequests = new List<string>();
        page.Request += (_, request) =>
        {
            var url = new Uri(request.Url);
            if (url.Scheme is "http" or "https" or "ws" or "wss" && url.Host != fixture.Server.BaseAddress.Host) lock (foreignRequests) foreignRequests.Add(request.Url);
        };

        // Sign up: the cookie signs the learner in and the catalogue opens.
        await BrowserFixture.SignUpAsync(page, "grace@example.org", "Grace");
        var kataLink = page.Locator("a[href='/katas/deadlock-transfer']");
        await Expect(kataLink).ToBeVisibleAsync();
        await Screenshot(page, "1-catalogue");

        // Open the kata: the editor holds the starter.
        await kataLink.ClickAsync();
        var editor = page.Locator(".monaco-editor").First;
        await Expect(editor.Locator(".view-lines")).ToContainTextAsync("class Bank");

        // Submit the starter: it fails, and the deadlock is drawn with the two threads of the cycle.
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit", Exact = true }).ClickAsync();
        await Screenshot(page, "2-grading-progress"); // the stage bars, unless a fast machine has already finished
        var verdict = page.Locator(".results .verdict-word");
        await Expect(verdict).ToBeVisibleAsync(GradeTimeout);
        await Expect(verdict).ToHaveTextAsync("Failed");
        var timeline = page.Locator(".results .timeline").First;
        await Expect(timeline).ToBeVisibleAsync();
        await Expect(timeline.Locator(".lane-title.in-cycle")).ToHaveCountAsync(2);
        Assert.True(await timeline.Locator(".lane-title").CountAsync() >= 2);
        Assert.True(await timeline.Locator("g.step.cycle").CountAsync() >= 2, "the steps of the cycle are highlighted");
        await Expect(timeline.Locator("g.step.cycle").Filter(new() { HasTextRegex = new Regex("waits for lock") }).First).ToBeVisibleAsync();
        await Expect(page.Locator(".results .token").First).ToBeVisibleAsync();
        // The keyboard steps through the trace: End selects the last step (the test's own step in some schedules).
        await page.Locator(".results .timeline-scroll").First.FocusAsync();
        await page.Keyboard.PressAsync("End");
        await Expect(timeline.Locator("g.step.selected")).ToHaveCountAsync(1);
        // Selecting a step of the cycle (the learner's code waiting for a lock) highlights its line in the editor.
        var waits = timeline.Locator("g.step.cycle").Filter(new() { HasTextRegex = new Regex("waits for lock") }).First;
        await waits.ClickAsync();
        await Expect(waits).ToHaveClassAsync(new Regex(@"\bselected\b"));
        await Expect(editor.Locator(".trace-line").First).ToBeAttachedAsync();
        await timeline.ScrollIntoViewIfNeededAsync();
        await Screenshot(page, "3-deadlock-picture");
        await page.Locator(".results .finding").First.ScreenshotAsync(new() { Path = Path.Combine(fixture.ArtifactsDirectory, "3-deadlock-finding.png") });

        // Typing a compile error: it is underlined in the editor, with the compiler's message on hover.
        await editor.Locator(".view-lines").ClickAsync();
        await page.Keyboard.PressAsync("Control+End");
        await page.Keyboard.PressAsync("Enter");
        await page.Keyboard.TypeAsync("class Broken { NoSuchType field; }");
        var squiggle = editor.Locator(".squiggly-error").First;
        await Expect(squiggle).ToBeVisibleAsync();
        // The text layer lies over the squiggle: move the mouse there regardless, as a person pointing at it does.
        await squiggle.HoverAsync(new() { Force = true });
        await Expect(page.Locator(".monaco-hover").Filter(new() { HasText = "NoSuchType" }).First).ToBeVisibleAsync();
        await Screenshot(page, "4-compile-error");
        // The page as the learner sees it while pointing at the error (a full-page picture loses Monaco's hover).
        await page.ScreenshotAsync(new() { Path = Path.Combine(fixture.ArtifactsDirectory, "4-compile-error-hover.png") });

        // Replace everything with a correct solution (pasted, as a learner would) and submit it: it passes with a score.
        var reference = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "katas", "deadlock-transfer", "reference.cs"));
        await editor.Locator(".view-lines").ClickAsync();
        await page.Keyboard.PressAsync("Control+A");
        await BrowserFixture.PasteAsync(page, reference);
        await page.Keyboard.PressAsync("Control+Home");
        await Expect(editor.Locator(".view-lines")).ToContainTextAsync("global order");
        await Expect(editor.Locator(".squiggly-error")).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit", Exact = true }).ClickAsync();
        await Expect(verdict).ToHaveTextAsync("Passed", new() { Timeout = 300_000 });
        await Expect(page.Locator(".results .score").First).ToHaveTextAsync(new Regex(@"score \d+"));
        await Expect(page.Locator(".results .timeline")).ToHaveCountAsync(0);
        await Screenshot(page, "5-passed");

        // The history holds both submissions, newest first: the pass, then the failure.
        await page.Locator("#tab-history").ClickAsync();
        var items = page.Locator(".history-item");
        await Expect(items).ToHaveCountAsync(2);
        await Expect(items.Nth(0).Locator(".verdict-chip")).ToHaveClassAsync(new Regex(@"\bpassed\b"));
        await Expect(items.Nth(1).Locator(".verdict-chip")).ToHaveClassAsync(new Regex(@"\bfailed\b"));
        await Screenshot(page, "6-history");

        // Monaco, its worker, fonts and icons all come from our own origin.
        lock (foreignRequests) Assert.Empty(foreignRequests);
    }

    private async Task Screenshot(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(fixture.ArtifactsDirectory, name + ".png"), FullPage = true });
}
