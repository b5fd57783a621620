using System.Net;
using System.Net.Mail;

namespace KataServer.Web.Screenings;

/// <summary>
/// <c>KataServer__Smtp__Host</c> (and <c>Port</c>, <c>From</c>, <c>UserName</c>, <c>Password</c>, <c>EnableSsl</c>):
/// without a host no e-mail is sent and the interviewer copies the link.
/// </summary>
public sealed class SmtpSettings
{
    public const string Section = "KataServer:Smtp";
    public string? Host { get; set; }
    public int Port { get; set; } = 25;
    public string From { get; set; } = "kataserver@localhost";
    public string? UserName { get; set; }
    public string? Password { get; set; }
    public bool EnableSsl { get; set; }

    public bool Configured => !string.IsNullOrWhiteSpace(Host);
}

/// <summary>Sends an invitation link through the configured SMTP server.</summary>
public sealed class InvitationMailer(SmtpSettings settings, ILogger<InvitationMailer> log)
{
    public bool Configured => settings.Configured;

    /// <summary>Null when sent; otherwise why not (the interviewer then copies the link).</summary>
    public async Task<string?> SendAsync(string to, string candidateName, string screeningTitle, string link, int timeLimitMinutes, DateTime expiresAt, CancellationToken cancellationToken)
    {
        if (!settings.Configured) return "no SMTP server is configured (KataServer__Smtp__Host)";
        using var message = new MailMessage(settings.From, to)
        {
            // A subject is one line: a title with a line break would make MailMessage throw (or, elsewhere, inject headers).
            Subject = $"Your invitation: {string.Concat(screeningTitle.Select(c => char.IsControl(c) ? ' ' : c))}",
            Body = $"Hello {candidateName},\n\nyou are invited to a coding screening, \"{screeningTitle}\" ({timeLimitMinutes} minutes once you press Start).\n"
                + $"Open this link in the browser you will use (it works once, until {expiresAt:u}):\n\n{link}\n",
        };
        using var client = new SmtpClient(settings.Host, settings.Port) { EnableSsl = settings.EnableSsl };
        if (!string.IsNullOrEmpty(settings.UserName)) client.Credentials = new NetworkCredential(settings.UserName, settings.Password);
        try
        {
            await client.SendMailAsync(message, cancellationToken);
            return null;
        }
        catch (Exception e) when (e is SmtpException or InvalidOperationException or IOException)
        {
            log.LogWarning(e, "invitation e-mail to {To} not sent", to);
            return $"the SMTP server did not take the e-mail: {e.Message}";
        }
    }
}
