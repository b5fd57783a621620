using KataServer.Grading.Sandbox;
using KataServer.Platform;

namespace KataServer.Web.Tests;

/// <summary>A host refuses to start grading strangers' code without the full sandbox, unless told it grades nothing or is trusted.</summary>
public sealed class SandboxRefusalTests
{
    private static readonly SandboxCapabilities NoBubblewrap = SandboxCapabilities.None;
    private static readonly SandboxCapabilities Full = SandboxCapabilities.None with { Bubblewrap = BubblewrapMode.AsNobody };

    [Fact]
    public void A_grading_host_without_bubblewrap_refuses_in_one_line_that_says_how_to_fix_it()
    {
        var why = new PlatformOptions { Workers = 1 }.WhyGradingCannotStart(NoBubblewrap);

        Assert.NotNull(why);
        Assert.DoesNotContain('\n', why);
        Assert.Contains("apt-get install bubblewrap", why);
        Assert.Contains("KataServer__Workers=0", why);
        Assert.Contains("KataServer__UnsafeSandbox=true", why);
    }

    [Fact]
    public void A_host_that_grades_nothing_or_has_the_sandbox_or_was_told_it_is_trusted_starts()
    {
        Assert.Null(new PlatformOptions { Workers = 0 }.WhyGradingCannotStart(NoBubblewrap));
        Assert.Null(new PlatformOptions { Workers = 1, UnsafeSandbox = true }.WhyGradingCannotStart(NoBubblewrap));
        Assert.Null(new PlatformOptions { Workers = 2 }.WhyGradingCannotStart(Full));
    }
}
