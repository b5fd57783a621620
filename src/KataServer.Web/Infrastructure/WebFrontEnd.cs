using KataServer.Platform.Grading;
using Microsoft.Extensions.FileProviders;

namespace KataServer.Web.Infrastructure;

/// <summary>Serves the built web UI (<c>web/dist</c>, beside <c>katas/</c>) when it exists; the API works without it.</summary>
public static class WebFrontEnd
{
    public static void MapWebFrontEnd(this WebApplication app)
    {
        var katasRoot = app.Services.GetRequiredService<KataLibrary>().Catalog.Root;
        var dist = Path.Combine(Path.GetDirectoryName(katasRoot)!, "web", "dist");
        if (!File.Exists(Path.Combine(dist, "index.html")))
        {
            // Building this project builds the UI (WebFrontEnd.targets) when Node.js and npm are installed.
            app.Logger.LogWarning("The web UI is not served: {Dist} has no index.html (install Node.js 20 and npm, then run this project again; the API works without it)", dist);
            return;
        }

        var files = new PhysicalFileProvider(dist);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        // Client-side routes fall back to the page; unknown API paths stay 404.
        app.MapFallback("{*path:nonfile}", (string? path) => path?.StartsWith("api/", StringComparison.Ordinal) == true
            ? Problems.NotFound($"no endpoint /{path}")
            : Results.File(Path.Combine(dist, "index.html"), "text/html"));
    }
}
