using System.Security.Cryptography;
using System.Text;
using KataServer.Platform.Data;
using Microsoft.AspNetCore.WebUtilities;

namespace KataServer.Web.Accounts;

/// <summary>Personal API tokens: 256 random bits shown once; the database keeps only their SHA-256.</summary>
public static class ApiTokens
{
    public const string Prefix = "kst_";

    public static (ApiToken Row, string Secret) Create(string userId, string? name)
    {
        var secret = Prefix + WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var row = new ApiToken
        {
            Id = Guid.NewGuid(),
            UserId = userId,
            Name = string.IsNullOrWhiteSpace(name) ? "token" : name.Trim(),
            Hash = Hash(secret),
            CreatedAt = DateTime.UtcNow,
        };
        return (row, secret);
    }

    /// <summary>A plain hash is enough: the secret is random, not a password anyone could guess.</summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
