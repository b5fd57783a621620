using System.Text.RegularExpressions;
using KataServer.Web.Tests;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace KataServer.Web.BrowserTests;

/// <summary>
/// An interview screening end to end in the browser: an interviewer creates it and invites a candidate; the candidate
/// opens the link in a fresh browser, solves one kata, writes some code on another and lets the (short) timer run out;
/// the interviewer reads the report and plays the code replay; a second interviewer and a learner get 403.
/// </summary>
[Collection("browser")]
public sealed class ScreeningJourneyTests(BrowserFixture fixture)
{
    private const string Password = "correct-horse-battery";
    private static readonly LocatorAssertionsToBeVisibleOptions GradeTimeout = new() { Timeout = 300_000 };

    [Fact]
    public async Task A_candidate_solves_one_kata_runs_out_of_time_on_another_and_only_the_owner_reads_the_report()
    {
        await fixture.Server.AddUserWithTokenAsync("iris@example.org", "instructor");
        await fixture.Server.AddUserWithTokenAsync("otto@example.org", "instructor");

        // The interviewer creates a screening of two katas with a one-minute limit, and invites a candidate.
        var interviewer = await fixture.NewPageAsync();
        await SignInAsync(interviewer, "iris@example.org");
        await interviewer.GotoAsync("/screenings");
        await interviewer.GetByLabel("Title").FillAsync("Backend concurrency");
        await interviewer.Locator("input[name=katas][value='deadlock-transfer']").CheckAsync();
        await interviewer.Locator("input[name=katas][value='hit-counter']").CheckAsync();
        await interviewer.GetByLabel("Time limit (minutes)").FillAsync("1");
        await interviewer.GetByLabel("The candidate sees").SelectOptionAsync("full");
        await interviewer.GetByRole(AriaRole.Button, new() { Name = "Create screening" }).ClickAsync();
        await Expect(interviewer.GetByRole(AriaRole.Heading, new() { Name = "Backend concurrency" })).ToBeVisibleAsync();
        var screeningUrl = interviewer.Url;
        await interviewer.GetByLabel("Name", new() { Exact = true }).FillAsync("Cleo Candidate");
        await interviewer.GetByRole(AriaRole.Button, new() { Name = "Create invitation" }).ClickAsync();
        var linkBox = interviewer.GetByTestId("invitation-link");
        await Expect(linkBox).ToHaveValueAsync(new Regex("/screening/join#ksi_"));
        var link = await linkBox.InputValueAsync();

        // The candidate: a fresh browser context (no account), the start page with the rules, then Start.
        var candidate = await fixture.NewPageAsync();
        await candidate.GotoAsync(link);
        await Expect(candidate.GetByText("You have 1 minutes")).ToBeVisibleAsync();
        await candidate.GetByRole(AriaRole.Button, new() { Name = "Start" }).ClickAsync();
        var countdown = candidate.GetByTestId("countdown");
        await Expect(countdown).ToHaveTextAsync(new Regex(@"^[01]:\d\d left$"));
        Assert.DoesNotContain("#", candidate.Url); // the secret left the address bar

        // Some code on the second kata (autosaved), which the timer will end.
        await candidate.GetByRole(AriaRole.Tab, new() { Name = "Count under contention" }).ClickAsync();
        var counterEditor = candidate.Locator("[data-kata='hit-counter'] .monaco-editor");
        await counterEditor.Locator(".view-lines").ClickAsync();
        await candidate.Keyboard.PressAsync("Control+End");
        await candidate.Keyboard.PressAsync("Enter");
        await candidate.Keyboard.TypeAsync("// unfinished: a lock next");
        await Expect(candidate.Locator("[data-kata='hit-counter'] .save-state")).ToContainTextAsync("Saved", new() { Timeout = 20_000 });

        // The first kata, solved by pasting a correct solution (the paste is recorded) and submitting it.
        await candidate.GetByRole(AriaRole.Tab, new() { Name = "Fix the deadlock" }).ClickAsync();
        var bankEditor = candidate.Locator("[data-kata='deadlock-transfer'] .monaco-editor");
        await bankEditor.Locator(".view-lines").ClickAsync();
        await candidate.Keyboard.PressAsync("Control+A");
        await BrowserFixture.PasteAsync(candidate, await File.ReadAllTextAsync(Path.Combine(Repository.Root, "tests", "corpus", "deadlock-transfer", "ok-global-lock.cs")));
        await Expect(bankEditor.Locator(".view-lines")).ToContainTextAsync("_gate");
        await candidate.Locator("[data-kata='deadlock-transfer']").GetByRole(AriaRole.Button, new() { Name = "Submit", Exact = true }).ClickAsync();
        var verdict = candidate.Locator("[data-kata='deadlock-transfer'] .results .verdict-word");
        await Expect(verdict).ToBeVisibleAsync(GradeTimeout);
        await Expect(verdict).ToHaveTextAsync("Passed");

        // The timer runs out: nothing can be changed any more.
        await Expect(countdown).ToHaveTextAsync("Time is up", new() { Timeout = 120_000 });
        await Expect(candidate.GetByText("The session has ended")).ToBeVisibleAsync();
        await Expect(candidate.Locator("[data-kata='deadlock-transfer']").GetByRole(AriaRole.Button, new() { Name = "Submit", Exact = true })).ToBeDisabledAsync();

        // The interviewer's report: the solved kata passed, the other was submitted at the end; the replay plays.
        // (The end job runs on the server within a second or two of the deadline: wait for its snapshot.)
        var screeningApi = new Uri(screeningUrl).AbsolutePath.Replace("/screenings/", "/api/screenings/");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(await (await interviewer.Context.APIRequest.GetAsync(screeningApi + "/compare")).TextAsync()).Contains("\"state\":\"finished\"")
            && DateTime.UtcNow < deadline) await Task.Delay(500);
        await interviewer.GotoAsync(screeningUrl);
        await interviewer.GetByRole(AriaRole.Link, new() { Name = "Cleo Candidate" }).ClickAsync();
        await Expect(interviewer.GetByRole(AriaRole.Heading, new() { Name = "Cleo Candidate" })).ToBeVisibleAsync();
        var bank = interviewer.Locator(".kata-report").Filter(new() { HasText = "Fix the deadlock" });
        await Expect(bank.Locator(".verdict-word")).ToHaveTextAsync("Passed");
        var counter = interviewer.Locator(".kata-report").Filter(new() { HasText = "Count under contention" });
        for (var i = 0; i < 20 && !(await counter.GetByTestId("replay-caption").TextContentAsync() ?? "").Contains("final"); i++)
        {
            await Task.Delay(1000);
            await interviewer.ReloadAsync();
        }

        await Expect(counter.GetByTestId("replay-caption")).ToContainTextAsync("final");
        await Expect(counter.GetByTestId("replay-code")).ToContainTextAsync("unfinished: a lock next");
        await Expect(bank.GetByTestId("replay-caption")).ToContainTextAsync("submit");
        // Scrub back to the first snapshot: the pasted solution, marked as pasted.
        await bank.GetByLabel("Code replay position").FillAsync("0");
        await Expect(bank.GetByTestId("replay-caption")).ToContainTextAsync("pasted");
        await Expect(bank.GetByTestId("replay-code")).ToContainTextAsync("_gate");
        await Expect(bank.Locator(".pasted-line").First).ToBeVisibleAsync();
        var reportUrl = interviewer.Url;
        await interviewer.ScreenshotAsync(new() { Path = Path.Combine(fixture.ArtifactsDirectory, "screening-report.png"), FullPage = true });

        // Another interviewer and a learner: 403 from the API, and the page says so.
        var other = await fixture.NewPageAsync();
        await SignInAsync(other, "otto@example.org");
        var learner = await fixture.NewPageAsync();
        await BrowserFixture.SignUpAsync(learner, "lena@example.org", "Lena");
        var reportApi = new Uri(reportUrl).AbsolutePath.Replace("/screenings/", "/api/screenings/") + "/report";
        foreach (var page in new[] { other, learner })
        {
            Assert.Equal(403, (await page.Context.APIRequest.GetAsync(reportApi)).Status);
            Assert.Equal(403, (await page.Context.APIRequest.GetAsync(screeningApi)).Status);
            await page.GotoAsync(reportUrl);
            await Expect(page.GetByText(new Regex("Not your screening|Forbidden"))).ToBeVisibleAsync();
            await Expect(page.GetByText("_gate")).ToHaveCountAsync(0);
        }
    }

    [Fact]
    public async Task In_pass_fail_mode_the_candidate_sees_only_each_tests_outcome_and_the_interviewer_sees_the_findings()
    {
        await fixture.Server.AddUserWithTokenAsync("pia@example.org", "instructor");
        var interviewer = await fixture.NewPageAsync();
        interviewer.Dialog += async (_, dialog) => await dialog.AcceptAsync(dialog.Type == DialogType.Prompt ? "15" : null);
        await SignInAsync(interviewer, "pia@example.org");
        await interviewer.GotoAsync("/screenings");
        await interviewer.GetByLabel("Title").FillAsync("Pass or fail");
        await interviewer.Locator("input[name=katas][value='hit-counter']").CheckAsync();
        await interviewer.GetByLabel("Time limit (minutes)").FillAsync("30");
        await interviewer.GetByLabel("The candidate sees").SelectOptionAsync("pass-fail");
        await interviewer.GetByRole(AriaRole.Button, new() { Name = "Create screening" }).ClickAsync();
        await Expect(interviewer.GetByRole(AriaRole.Heading, new() { Name = "Pass or fail" })).ToBeVisibleAsync();
        await interviewer.GetByLabel("Name", new() { Exact = true }).FillAsync("Pat Candidate");
        await interviewer.GetByRole(AriaRole.Button, new() { Name = "Create invitation" }).ClickAsync();
        var link = await interviewer.GetByTestId("invitation-link").InputValueAsync();

        var candidate = await fixture.NewPageAsync();
        candidate.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        await candidate.GotoAsync(link);
        await Expect(candidate.GetByText("You see whether each test passes, not the grader's findings.")).ToBeVisibleAsync();
        await candidate.GetByRole(AriaRole.Button, new() { Name = "Start" }).ClickAsync();
        var countdown = candidate.GetByTestId("countdown");
        await Expect(countdown).ToHaveTextAsync(new Regex(@"^(29|30):\d\d left$"));

        // The interviewer gives 15 more minutes; the candidate's countdown follows the server's new deadline.
        await interviewer.ReloadAsync();
        await interviewer.GetByRole(AriaRole.Row, new() { Name = "Pat Candidate" }).GetByRole(AriaRole.Button, new() { Name = "More time" }).ClickAsync();
        await Expect(countdown).ToHaveTextAsync(new Regex(@"^4[45]:\d\d left$"), new() { Timeout = 30_000 });

        // A solution with a lost update, submitted: the candidate sees the verdict and each test's outcome, nothing more.
        var editor = candidate.Locator("[data-kata='hit-counter'] .monaco-editor");
        await editor.Locator(".view-lines").ClickAsync();
        await candidate.Keyboard.PressAsync("Control+A");
        await BrowserFixture.PasteAsync(candidate, await File.ReadAllTextAsync(Path.Combine(Repository.Root, "tests", "corpus", "hit-counter", "bug-plain-increment.cs")));
        await candidate.Locator("[data-kata='hit-counter']").GetByRole(AriaRole.Button, new() { Name = "Submit", Exact = true }).ClickAsync();
        var results = candidate.Locator("[data-kata='hit-counter'] .results");
        await Expect(results.Locator(".verdict-word")).ToBeVisibleAsync(GradeTimeout);
        await Expect(results.Locator(".verdict-word")).ToHaveTextAsync("Failed");
        await Expect(results.Locator(".outcome.failed").First).ToBeVisibleAsync();
        await Expect(results.Locator(".finding, .trace, .breakdown, .token, .output")).ToHaveCountAsync(0);
        await Expect(results.GetByText(new Regex("lost.update|interleaving|score", RegexOptions.IgnoreCase))).ToHaveCountAsync(0);
        await candidate.ScreenshotAsync(new() { Path = Path.Combine(fixture.ArtifactsDirectory, "screening-candidate-pass-fail.png"), FullPage = true });
        await candidate.GetByRole(AriaRole.Button, new() { Name = "Finish" }).ClickAsync();
        await Expect(candidate.GetByText("The session has ended")).ToBeVisibleAsync();

        // The interviewer's report of the same submission has everything: findings with their interleavings.
        await interviewer.ReloadAsync();
        await interviewer.GetByRole(AriaRole.Link, new() { Name = "Pat Candidate" }).ClickAsync();
        var report = interviewer.Locator(".kata-report");
        await Expect(report.Locator(".verdict-word")).ToHaveTextAsync("Failed");
        await Expect(report.Locator(".finding").First).ToBeVisibleAsync();
        await Expect(report.Locator(".finding .kind").First).ToHaveTextAsync(new Regex("lost-update"));
        await interviewer.ScreenshotAsync(new() { Path = Path.Combine(fixture.ArtifactsDirectory, "screening-report-pass-fail.png"), FullPage = true });
    }

    private static async Task SignInAsync(IPage page, string email)
    {
        await page.GotoAsync("/signin");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
    }
}
