using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace KataServer.Web.Infrastructure;

/// <summary>Every error is ProblemDetails: handler results, status codes without a body, exceptions, oversized requests.</summary>
public static class Problems
{
    /// <summary>Largest request body: a 256 KiB solution with JSON escaping fits, anything far beyond is cut off early.</summary>
    public const long MaxRequestBodyBytes = 1024 * 1024;

    public static void AddApiProblems(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.Configure<KestrelServerOptions>(k => k.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
    }

    public static void UseApiProblems(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
    }

    public static IResult Problem(int status, string title, string? detail = null) =>
        Results.Problem(statusCode: status, title: title, detail: detail);

    public static IResult NotFound(string what) => Problem(StatusCodes.Status404NotFound, "Not found", what);

    public static IResult BadRequest(string detail) => Problem(StatusCodes.Status400BadRequest, "Bad request", detail);

    public static IResult TooLarge(string detail) => Problem(StatusCodes.Status413PayloadTooLarge, "Too large", detail);
}
