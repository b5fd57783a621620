using KataServer.Web.Tests;
using Microsoft.Playwright;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace KataServer.Web.BrowserTests;

/// <summary>
/// One real host (its own port and data folder, grading in the full sandbox) and one headless Chromium, shared by the
/// browser tests; each test gets its own browser context (cookies) and signs its own learner up. The browser is the system's Chromium driven by Playwright through its executable path: nothing is downloaded.
/// </summary>
public class BrowserFixture : IAsyncLifetime
{
    // /usr/bin/chromium is Debian's wrapper script; Playwright needs the binary itself.
    private static readonly string[] ChromiumCandidates = ["/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser"];

    private IPlaywright? playwright;

    public BrowserFixture() : this(null) { }

    /// <summary>A host with its own settings (a test class that needs them brings its own fixture).</summary>
    protected BrowserFixture(IDictionary<string, string>? settings) => Server = new(Repository.TempDirectory("browser"), settings);

    public ServerProcess Server { get; }
    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Screenshots of each state, beside the test assembly (bin/.../artifacts), for a person to look at.</summary>
    public string ArtifactsDirectory { get; } = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "artifacts")).FullName;

    public async Task InitializeAsync()
    {
        var chromium = FindChromium();
        var dist = Path.Combine(Repository.Root, "web", "dist", "index.html");
        if (!File.Exists(dist))
            throw new InvalidOperationException($"the web UI is not built ({dist} is missing): building src/KataServer.Web builds it when Node.js and npm are installed (or: cd web && npm ci && npm run build)");

        // Signing up hashes a password and grading runs in a sandbox: on a loaded machine both take seconds.
        Assertions.SetDefaultExpectTimeout(30_000);
        await Server.StartAsync();
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            // As root Chromium's own sandbox cannot start; the page only ever sees our own loopback server.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
        });
    }

    public async Task<IPage> NewPageAsync(int width = 1280, int height = 800)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Server.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            ColorScheme = ColorScheme.Light,
        });
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    /// <summary>Signs a new learner up through the form, as a visitor does; the catalogue opens signed in.</summary>
    /// <summary>A paste into the focused editor: the clipboard event Monaco reads, without needing clipboard permissions.</summary>
    public static Task PasteAsync(IPage page, string text) => page.EvaluateAsync(
        """
        text => {
          const data = new DataTransfer();
          data.setData("text/plain", text);
          document.activeElement.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
        }
        """, text);

    public static async Task SignUpAsync(IPage page, string email, string displayName)
    {
        await page.GotoAsync("/signup");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Display name").FillAsync(displayName);
        await page.GetByLabel("Password").FillAsync("correct-horse-battery");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign up", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
    }

    private static string FindChromium()
    {
        var configured = Environment.GetEnvironmentVariable("KATASERVER_CHROMIUM");
        if (!string.IsNullOrEmpty(configured))
            return File.Exists(configured) ? configured : throw new FileNotFoundException($"KATASERVER_CHROMIUM names no file: {configured} (unset it to use Debian's: apt-get install chromium)");
        return ChromiumCandidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException(
                "no Chromium found (looked for " + string.Join(", ", ChromiumCandidates) + "). The browser tests need it: " +
                "apt-get install chromium (or set KATASERVER_CHROMIUM to a Chromium binary). Playwright's own browser download is not used.");
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        playwright?.Dispose();
        await Server.DisposeAsync();
        try { Directory.Delete(Server.DataDirectory, recursive: true); } catch (IOException) { }
    }
}

[CollectionDefinition("browser")]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>;
