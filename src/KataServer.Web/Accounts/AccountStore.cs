using KataServer.Platform.Data;
using Microsoft.AspNetCore.Identity;

namespace KataServer.Web.Accounts;

/// <summary>ASP.NET Core Identity on the platform database: what the web host and the account commands share.</summary>
public static class AccountStore
{
    public static IdentityBuilder AddAccountStore(this IServiceCollection services) =>
        services.AddIdentityCore<User>(identity =>
            {
                identity.User.RequireUniqueEmail = true;
                identity.Password.RequiredLength = 8;
                identity.Password.RequireNonAlphanumeric = false;
                identity.Password.RequireUppercase = false;
                identity.Password.RequireLowercase = false;
                identity.Password.RequireDigit = false;
                identity.Lockout.AllowedForNewUsers = true;
                identity.Lockout.MaxFailedAccessAttempts = 5;
                identity.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(5);
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<PlatformDb>();

    public static async Task EnsureRolesAsync(IServiceProvider services)
    {
        using var scope = services.CreateScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in Roles.All)
        {
            if (!await roles.RoleExistsAsync(role)) await roles.CreateAsync(new IdentityRole(role));
        }
    }

    /// <summary>A new user with one role; the errors Identity gives (weak password, taken email) when it cannot.</summary>
    public static async Task<(User? User, IReadOnlyList<IdentityError> Errors)> CreateUserAsync(
        UserManager<User> users, string email, string password, string role, string? displayName)
    {
        var user = new User { UserName = email, Email = email, DisplayName = string.IsNullOrWhiteSpace(displayName) ? email.Split('@')[0] : displayName.Trim() };
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded) return (null, created.Errors.ToList());
        var added = await users.AddToRoleAsync(user, role);
        return added.Succeeded ? (user, []) : (null, added.Errors.ToList());
    }
}
