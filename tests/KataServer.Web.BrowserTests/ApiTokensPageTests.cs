using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace KataServer.Web.BrowserTests;

/// <summary>The learner's API tokens page: a created token works for a script at once, is shown once, and revoking it stops it.</summary>
[Collection("browser")]
public sealed class ApiTokensPageTests(BrowserFixture fixture)
{
    [Fact]
    public async Task A_created_token_is_shown_once_works_as_a_bearer_token_and_stops_working_when_revoked()
    {
        var page = await fixture.NewPageAsync();
        await BrowserFixture.SignUpAsync(page, "linus@example.org", "Linus");
        await page.GetByRole(AriaRole.Link, new() { Name = "API tokens" }).ClickAsync();
        await Expect(page.GetByText("You have no API tokens.")).ToBeVisibleAsync();

        await page.GetByLabel("Token name").FillAsync("laptop");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create token" }).ClickAsync();
        var secretBox = page.Locator("#new-token");
        await Expect(secretBox).ToHaveTextAsync(new Regex(@"^kst_\S{20,}$"));
        var secret = await secretBox.TextContentAsync() ?? "";
        var rows = page.Locator(".token-row");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync("laptop");
        await Expect(rows.First).ToContainTextAsync("never");
        await page.ScreenshotAsync(new() { Path = Path.Combine(fixture.ArtifactsDirectory, "7-api-token-created.png"), FullPage = true });

        // The secret works for a script, and the page does not show it again.
        using var script = fixture.Server.Client(secret);
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync("/api/progress")).StatusCode);
        await page.ReloadAsync();
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(page.Locator("#new-token")).ToHaveCountAsync(0);
        Assert.DoesNotContain(secret, await page.ContentAsync());

        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke laptop" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(0);
        Assert.Equal(HttpStatusCode.Unauthorized, (await script.GetAsync("/api/progress")).StatusCode);
    }
}
