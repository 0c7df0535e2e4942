using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using OpenClaw.Plugins.Email;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Plugins.Tests.Email;

/// <summary>The server and login come from smtp credentials: AUTH PLAIN and LOGIN, STARTTLS, and the refusals.</summary>
public sealed class EmailAuthenticationTests
{
    private static TestPluginContext WithSmtp(SmtpSink sink, params (string Key, string Value)[] extra) =>
        new TestPluginContext().WithCredential("mail", "smtp",
            [("host", "127.0.0.1"), ("port", sink.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)), .. extra]);

    private static JsonObject Message(string credential = "mail") => new()
    {
        ["credential"] = credential, ["to"] = "ada@example.test", ["subject"] = "s", ["text"] = "t",
    };

    [Fact]
    public async Task Credential_LogsInWithAuthPlain_AndSuppliesTheDefaultSender()
    {
        await using var sink = new SmtpSink(new SmtpSinkOptions { Username = "mailer", Password = "s3cret p\u00e4ss" });

        await new EmailPlugin().ExecuteAsync(Message(),
            WithSmtp(sink, ("username", "mailer"), ("password", "s3cret p\u00e4ss"), ("from", "Reports <reports@openclaw.test>")));

        var mail = sink.Single();
        Assert.Equal("PLAIN", mail.AuthMechanism);
        Assert.Equal("mailer", mail.AuthUser);
        Assert.Equal("s3cret p\u00e4ss", mail.AuthPassword);
        Assert.Equal("reports@openclaw.test", mail.MailFrom);
        Assert.Equal("\"Reports\" <reports@openclaw.test>", ParsedMail.Parse(mail.Data)["From"]);
    }

    [Fact]
    public async Task ServerOfferingOnlyLogin_IsAuthenticatedWithAuthLogin()
    {
        await using var sink = new SmtpSink(new SmtpSinkOptions { Username = "mailer", Password = "pw", AuthMechanisms = "LOGIN" });
        var inputs = Message();
        inputs["from"] = "bot@openclaw.test";

        await new EmailPlugin().ExecuteAsync(inputs, WithSmtp(sink, ("username", "mailer"), ("password", "pw")));

        Assert.Equal("LOGIN", sink.Single().AuthMechanism);
    }

    [Fact]
    public async Task WrongPassword_FailsWithoutRetry_QuotingTheServer()
    {
        await using var sink = new SmtpSink(new SmtpSinkOptions { Username = "mailer", Password = "right" });
        var inputs = Message();
        inputs["from"] = "bot@openclaw.test";

        var error = await Assert.ThrowsAsync<PluginException>(async () =>
            await new EmailPlugin().ExecuteAsync(inputs, WithSmtp(sink, ("username", "mailer"), ("password", "wrong"))));

        Assert.False(error.Retryable);
        Assert.Contains($"SMTP login to 127.0.0.1:{sink.Port} failed: 535 5.7.8", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong", error.Message, StringComparison.Ordinal);
        Assert.Empty(sink.Received);
    }

    [Fact]
    public async Task ServerWithoutAMechanismWeSpeak_FailsWithoutRetry()
    {
        await using var sink = new SmtpSink(new SmtpSinkOptions { Username = "mailer", Password = "pw", AuthMechanisms = "CRAM-MD5" });
        var inputs = Message();
        inputs["from"] = "bot@openclaw.test";

        var error = await Assert.ThrowsAsync<PluginException>(async () =>
            await new EmailPlugin().ExecuteAsync(inputs, WithSmtp(sink, ("username", "mailer"), ("password", "pw"))));

        Assert.False(error.Retryable);
        Assert.Contains("offers no login mechanism this client speaks (PLAIN, LOGIN); it offers: CRAM-MD5", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartTls_UpgradesTheConnection_BeforeLoggingIn()
    {
        using var certificate = SmtpSinkOptions.SelfSignedCertificate();
        await using var sink = new SmtpSink(new SmtpSinkOptions { Username = "mailer", Password = "pw", Certificate = certificate });
        var plugin = new EmailPlugin((_, presented, _, _) => presented is not null && presented.GetCertHashString() == certificate.GetCertHashString());
        var inputs = Message();
        inputs["from"] = "bot@openclaw.test";

        await plugin.ExecuteAsync(inputs, WithSmtp(sink, ("username", "mailer"), ("password", "pw"), ("starttls", "true")));

        var mail = sink.Single();
        Assert.True(mail.Tls);
        Assert.Equal("mailer", mail.AuthUser);
    }

    [Fact]
    public async Task StartTls_WithAnUntrustedCertificate_FailsWithoutRetry()
    {
        using var certificate = SmtpSinkOptions.SelfSignedCertificate();
        await using var sink = new SmtpSink(new SmtpSinkOptions { Certificate = certificate });
        var inputs = Message();
        inputs["from"] = "bot@openclaw.test";

        var error = await Assert.ThrowsAsync<PluginException>(async () =>
            await new EmailPlugin().ExecuteAsync(inputs, WithSmtp(sink, ("starttls", "true"))));

        Assert.False(error.Retryable);
        Assert.StartsWith($"TLS with SMTP server 127.0.0.1:{sink.Port} failed", error.Message, StringComparison.Ordinal);
        Assert.Empty(sink.Received);
    }

    [Fact]
    public async Task StartTlsRequired_ButNotOffered_FailsWithoutRetry()
    {
        await using var sink = new SmtpSink();
        var inputs = Message();
        inputs["from"] = "bot@openclaw.test";

        var error = await Assert.ThrowsAsync<PluginException>(async () =>
            await new EmailPlugin().ExecuteAsync(inputs, WithSmtp(sink, ("starttls", "true"))));

        Assert.False(error.Retryable);
        Assert.Contains("does not offer STARTTLS, which security 'starttls' requires", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1", "auto", true)]
    [InlineData("localhost", "auto", true)]
    [InlineData("smtp.example.com", "auto", false)]
    [InlineData("smtp.example.com", "starttls", false)]
    [InlineData("smtp.example.com", "none", true)]
    public async Task PasswordsGoUnencrypted_OnlyToLoopbackOrWithSecurityNone(string host, string security, bool allowed)
    {
        var context = new TestPluginContext().WithCredential("mail", "smtp", ("host", host), ("security", security), ("username", "u"), ("password", "p"));

        var settings = await SmtpSettings.ResolveAsync(new JsonObject { ["credential"] = "mail" }, context);

        Assert.Equal(allowed, settings.PlainTextLoginAllowed);
    }

    [Theory]
    [InlineData("tls", null, 465)]
    [InlineData("starttls", null, 587)]
    [InlineData("none", null, 25)]
    [InlineData("auto", "2525", 2525)]
    public async Task Port_DefaultsBySecurity_UnlessGiven(string security, string? port, int expected)
    {
        var context = new TestPluginContext();
        context.Credentials["mail"] = new PluginCredential("mail", "smtp",
            port is null ? new Dictionary<string, string> { ["host"] = "h", ["security"] = security }
                : new Dictionary<string, string> { ["host"] = "h", ["security"] = security, ["port"] = port });

        var settings = await SmtpSettings.ResolveAsync(new JsonObject { ["credential"] = "mail" }, context);

        Assert.Equal(expected, settings.Port);
    }

    [Theory]
    [InlineData("missing", "credential 'missing' does not exist or is not granted to this step")]
    [InlineData("api", "credential 'api' is of type 'bearer'; the email plugins need type 'smtp'")]
    [InlineData("nohost", "credential 'nohost' has no 'host'")]
    [InlineData("nopassword", "credential 'nopassword' has a 'username' but no 'password'")]
    public async Task BadCredentials_FailWithoutRetry(string name, string message)
    {
        var context = new TestPluginContext()
            .WithCredential("api", "bearer", ("token", "t"))
            .WithCredential("nohost", "smtp", ("port", "25"))
            .WithCredential("nopassword", "smtp", ("host", "h"), ("username", "u"));
        var inputs = Message(name);
        inputs["from"] = "bot@openclaw.test";

        var error = await Assert.ThrowsAsync<PluginException>(async () => await new EmailPlugin().ExecuteAsync(inputs, context));

        Assert.False(error.Retryable);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public async Task CredentialAndInlineHostTogether_AreRefused()
    {
        var inputs = Message();
        inputs["host"] = "other.example";

        var error = await Assert.ThrowsAsync<PluginException>(async () =>
            await new EmailPlugin().ExecuteAsync(inputs, new TestPluginContext().WithCredential("mail", "smtp", ("host", "h"))));

        Assert.False(error.Retryable);
        Assert.Contains("either input 'credential' or input 'host', not both", error.Message, StringComparison.Ordinal);
    }
}
