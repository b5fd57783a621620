using Microsoft.AspNetCore.Diagnostics;
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
        // A body that is not JSON of the right shape throws, so the handler below can say what was wrong with it.
        services.Configure<RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true);
        services.AddExceptionHandler<BadRequestHandler>();
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

/// <summary>Malformed JSON, a wrong type, an oversized body: the client's mistake, answered with its status and the reason.</summary>
internal sealed class BadRequestHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not Microsoft.AspNetCore.Http.BadHttpRequestException bad) return false;
        var reason = exception.InnerException is System.Text.Json.JsonException json ? $" ({json.Message})" : "";
        http.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails =
            {
                Status = bad.StatusCode,
                Title = bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Too large" : "Bad request",
                Detail = bad.Message + reason,
            },
        });
    }
}
