using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using OpenClaw.Plugins.Email;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Plugins.Tests.Email;

/// <summary>Messages, envelopes, templates and encoding, checked on a real SMTP sink.</summary>
public sealed class EmailPluginTests
{
    private readonly EmailPlugin _plugin = new();

    private static JsonObject Inputs(SmtpSink sink, JsonObject fields)
    {
        fields["host"] = "127.0.0.1";
        fields["port"] = sink.Port;
        return fields;
    }

    private async Task<JsonObject> Send(JsonObject inputs, TestPluginContext? context = null) =>
        await _plugin.ExecuteAsync(inputs, context ?? new TestPluginContext());

    [Fact]
    public async Task Message_IsDelivered_WithEnvelopeAndHeaders_AndBccOnlyInTheEnvelope()
    {
        await using var sink = new SmtpSink();

        var output = await Send(Inputs(sink, new JsonObject
        {
            ["from"] = "Workflow Bot <bot@openclaw.test>",
            ["to"] = "ada@example.test, \"Grace Hopper\" <grace@example.test>",
            ["cc"] = new JsonArray("linus@example.test"),
            ["bcc"] = "secret@example.test",
            ["reply_to"] = "support@openclaw.test",
            ["subject"] = "Build finished",
            ["text"] = "All green.\nSee you.",
        }));

        var mail = sink.Single();
        Assert.Equal("bot@openclaw.test", mail.MailFrom);
        Assert.Equal(["ada@example.test", "grace@example.test", "linus@example.test", "secret@example.test"], mail.Recipients);
        var parsed = ParsedMail.Parse(mail.Data);
        Assert.Equal("\"Workflow Bot\" <bot@openclaw.test>", parsed["From"]);
        Assert.Equal("ada@example.test, \"Grace Hopper\" <grace@example.test>", parsed["To"]);
        Assert.Equal("linus@example.test", parsed["Cc"]);
        Assert.Equal("support@openclaw.test", parsed["Reply-To"]);
        Assert.False(parsed.Headers.ContainsKey("Bcc"));
        Assert.DoesNotContain("secret@", mail.Data, StringComparison.Ordinal);
        Assert.Equal("Build finished", parsed["Subject"]);
        Assert.Equal("1.0", parsed["MIME-Version"]);
        Assert.Equal("text/plain; charset=utf-8", parsed["Content-Type"]);
        Assert.Equal("7bit", parsed["Content-Transfer-Encoding"]);
        Assert.True(DateTimeOffset.TryParse(parsed["Date"].Replace(" +0000", " +00:00", StringComparison.Ordinal), out _));
        Assert.Equal("All green.\r\nSee you.\r\n", parsed.Body);

        Assert.Equal(parsed["Message-ID"], (string?)output["message_id"]);
        Assert.Equal(4, output["accepted"]!.AsArray().Count);
        Assert.Equal("250 2.0.0 Ok: queued as SINK1", (string?)output["response"]);
        Assert.StartsWith("[127.0.0.1]", mail.Helo, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TextAndHtml_AreSentAsMultipartAlternative()
    {
        await using var sink = new SmtpSink();

        await Send(Inputs(sink, new JsonObject
        {
            ["from"] = "bot@openclaw.test", ["to"] = "ada@example.test", ["subject"] = "Both",
            ["text"] = "plain version", ["html"] = "<p>rich <b>version</b></p>",
        }));

        var parsed = ParsedMail.Parse(sink.Single().Data);
        Assert.StartsWith("multipart/alternative; boundary=", parsed["Content-Type"], StringComparison.Ordinal);
        Assert.Collection(parsed.Parts,
            text =>
            {
                Assert.Equal("text/plain; charset=utf-8", text["Content-Type"]);
                Assert.Equal("plain version", text.Body.TrimEnd());
            },
            html =>
            {
                Assert.Equal("text/html; charset=utf-8", html["Content-Type"]);
                Assert.Equal("<p>rich <b>version</b></p>", html.Body.TrimEnd());
            });
    }

    [Fact]
    public async Task TemplateObject_RendersSubjectTextAndHtml_EscapingOnlyTheHtml()
    {
        await using var sink = new SmtpSink();

        await Send(Inputs(sink, new JsonObject
        {
            ["from"] = "bot@openclaw.test", ["to"] = "ada@example.test",
            ["template"] = new JsonObject
            {
                ["subject"] = "Order {{order.id}} for {{name}}",
                ["text"] = "Hello {{name}},\n{{#each items}}- {{this.title}} x{{this.qty}}\n{{/each}}Total: {{total}}",
                ["html"] = "<h1>Hello {{name}}</h1>{{#if vip}}<p>VIP</p>{{/if}}",
            },
            ["template_data"] = new JsonObject
            {
                ["name"] = "Ada & Co <ltd>",
                ["order"] = new JsonObject { ["id"] = 42 },
                ["items"] = new JsonArray(new JsonObject { ["title"] = "Widget", ["qty"] = 2 }, new JsonObject { ["title"] = "Gadget", ["qty"] = 1 }),
                ["total"] = 19.5,
                ["vip"] = true,
            },
        }));

        var parsed = ParsedMail.Parse(sink.Single().Data);
        Assert.Equal("Order 42 for Ada & Co <ltd>", parsed["Subject"]);
        Assert.Equal("Hello Ada & Co <ltd>,\r\n- Widget x2\r\n- Gadget x1\r\nTotal: 19.5\r\n", parsed.Parts[0].Body);
        Assert.Equal("<h1>Hello Ada &amp; Co &lt;ltd&gt;</h1><p>VIP</p>", parsed.Parts[1].Body.TrimEnd());
    }

    [Fact]
    public async Task TemplateString_IsTheHtmlBody()
    {
        await using var sink = new SmtpSink();

        await Send(Inputs(sink, new JsonObject
        {
            ["from"] = "bot@openclaw.test", ["to"] = "ada@example.test", ["subject"] = "Hi",
            ["template"] = "<p>Hi {{name}}</p>", ["template_data"] = new JsonObject { ["name"] = "Ada" },
        }));

        var parsed = ParsedMail.Parse(sink.Single().Data);
        Assert.Equal("text/html; charset=utf-8", parsed["Content-Type"]);
        Assert.Equal("<p>Hi Ada</p>", parsed.Body.TrimEnd());
    }

    [Fact]
    public async Task TemplateDataWithLineBreaks_CannotInjectHeadersThroughTheSubject()
    {
        await using var sink = new SmtpSink();

        await Send(Inputs(sink, new JsonObject
        {
            ["from"] = "bot@openclaw.test", ["to"] = "ada@example.test", ["text"] = "body",
            ["template"] = new JsonObject { ["subject"] = "Re: {{topic}}" },
            ["template_data"] = new JsonObject { ["topic"] = "hello\r\nBcc: victim@example.test" },
        }));

        var parsed = ParsedMail.Parse(sink.Single().Data);
        Assert.Equal("Re: hello Bcc: victim@example.test", parsed["Subject"]);
        Assert.False(parsed.Headers.ContainsKey("Bcc"));
    }

    [Fact]
    public async Task LinesStartingWithADot_AreDotStuffedOnTheWire_AndArriveIntact()
    {
        await using var sink = new SmtpSink();

        await Send(Inputs(sink, new JsonObject
        {
            ["from"] = "bot@openclaw.test", ["to"] = "ada@example.test", ["subject"] = "Dots",
            ["text"] = ".hidden\n..two\n.\nlast",
        }));

        var mail = sink.Single();
        Assert.Contains("\r\n..hidden\r\n...two\r\n..\r\nlast\r\n", mail.WireData, StringComparison.Ordinal);
        Assert.Equal(".hidden\r\n..two\r\n.\r\nlast\r\n", ParsedMail.Parse(mail.Data).Body);
    }

    [Fact]
    public async Task NonAsciiSubjectNamesAndBody_AreEncoded_AndDecodeToTheOriginal()
    {
        await using var sink = new SmtpSink();
        var subject = "Gr\u00fc\u00dfe aus K\u00f6ln \U0001F389 " + new string('\u00e9', 60);
        var body = "Sch\u00f6ne Gr\u00fc\u00dfe = viele Gr\u00fc\u00dfe\n" + new string('x', 120) + " \ntrailing space ";

        await Send(Inputs(sink, new JsonObject
        {
            ["from"] = "J\u00fcrgen <bot@openclaw.test>", ["to"] = "ada@b\u00fccher.example", ["subject"] = subject, ["text"] = body,
        }));

        var mail = sink.Single();
        Assert.All(mail.Data.Split("\r\n"), line => Assert.True(line.Length <= 998 && line.All(c => c < 127), $"not 7-bit clean: {line}"));
        var parsed = ParsedMail.Parse(mail.Data);
        Assert.Equal(subject, parsed["Subject"]);
        Assert.Equal("J\u00fcrgen <bot@openclaw.test>", parsed["From"]);
        Assert.Equal("quoted-printable", parsed["Content-Transfer-Encoding"]);
        Assert.Equal(body.Replace("\n", "\r\n", StringComparison.Ordinal) + "\r\n", parsed.Body);
        Assert.Equal(["ada@xn--bcher-kva.example"], mail.Recipients);
        Assert.All(parsed.RawBody.Split("\r\n"), line => Assert.True(line.Length <= 76, $"line longer than 76: {line}"));
    }

    [Fact]
    public async Task ExtraHeaders_AreAdded()
    {
        await using var sink = new SmtpSink();

        await Send(Inputs(sink, new JsonObject
        {
            ["from"] = "bot@openclaw.test", ["to"] = "ada@example.test", ["subject"] = "s", ["text"] = "t",
            ["headers"] = new JsonObject { ["X-Campaign"] = "spring", ["X-Count"] = 3 },
        }));

        var parsed = ParsedMail.Parse(sink.Single().Data);
        Assert.Equal("spring", parsed["X-Campaign"]);
        Assert.Equal("3", parsed["X-Count"]);
    }

    [Fact]
    public async Task MessageId_IsTheSameOnEveryAttemptOfAStep()
    {
        await using var sink = new SmtpSink();
        var inputs = Inputs(sink, new JsonObject { ["from"] = "bot@openclaw.test", ["to"] = "ada@example.test", ["subject"] = "s", ["text"] = "t" });

        var first = await Send((JsonObject)inputs.DeepClone(), new TestPluginContext { Key = "exec-1/step-a" });
        var retry = await Send((JsonObject)inputs.DeepClone(), new TestPluginContext { Key = "exec-1/step-a" });
        var other = await Send((JsonObject)inputs.DeepClone(), new TestPluginContext { Key = "exec-2/step-a" });

        Assert.Equal((string?)first["message_id"], (string?)retry["message_id"]);
        Assert.NotEqual((string?)first["message_id"], (string?)other["message_id"]);
        Assert.Matches("^<[0-9a-f]{32}\\.openclaw@openclaw\\.test>$", (string?)first["message_id"]);
    }

    [Fact]
    public async Task RefusedRecipient_Permanently_FailsWithoutRetry_AndSendsNothing()
    {
        await using var sink = new SmtpSink(new SmtpSinkOptions
        {
            RefuseRecipients = { ["ghost@example.test"] = "550 5.1.1 <ghost@example.test>: no such user" },
        });

        var error = await Assert.ThrowsAsync<PluginException>(() => Send(Inputs(sink, new JsonObject
        {
            ["from"] = "bot@openclaw.test", ["to"] = new JsonArray("ada@example.test", "ghost@example.test"), ["subject"] = "s", ["text"] = "t",
        })));

        Assert.False(error.Retryable);
        Assert.Contains("refused 1 recipient(s), so nothing was sent: ghost@example.test: 550 5.1.1", error.Message, StringComparison.Ordinal);
        Assert.Empty(sink.Received);
    }

    [Fact]
    public async Task RefusedRecipient_Temporarily_FailsRetryably()
    {
        await using var sink = new SmtpSink(new SmtpSinkOptions { RefuseRecipients = { ["busy@example.test"] = "451 4.3.0 try again later" } });

        var error = await Assert.ThrowsAsync<PluginException>(() => Send(Inputs(sink, new JsonObject
        {
            ["from"] = "bot@openclaw.test", ["to"] = "busy@example.test", ["subject"] = "s", ["text"] = "t",
        })));

        Assert.True(error.Retryable);
        Assert.Contains("451 4.3.0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MessageOverTheServersSizeLimit_FailsWithoutRetry_BeforeSending()
    {
        await using var sink = new SmtpSink(new SmtpSinkOptions { MaxSize = 200 });

        var error = await Assert.ThrowsAsync<PluginException>(() => Send(Inputs(sink, new JsonObject
        {
            ["from"] = "bot@openclaw.test", ["to"] = "ada@example.test", ["subject"] = "s", ["text"] = new string('x', 500),
        })));

        Assert.False(error.Retryable);
        Assert.Contains("accepts at most 200", error.Message, StringComparison.Ordinal);
        Assert.Empty(sink.Received);
    }

    [Fact]
    public async Task RefusedConnection_FailsRetryably()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var error = await Assert.ThrowsAsync<PluginException>(() => Send(new JsonObject
        {
            ["host"] = "127.0.0.1", ["port"] = port, ["from"] = "bot@openclaw.test", ["to"] = "ada@example.test", ["subject"] = "s", ["text"] = "t",
        }));

        Assert.True(error.Retryable);
        Assert.Contains($"could not connect to SMTP server 127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SilentServer_TimesOutRetryably_AndCancellationSurfacesAsOperationCanceled()
    {
        // Accepts connections but never greets.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            JsonObject Inputs() => new()
            {
                ["host"] = "127.0.0.1", ["port"] = port, ["from"] = "bot@openclaw.test", ["to"] = "ada@example.test", ["subject"] = "s", ["text"] = "t",
            };

            var timeoutInputs = Inputs();
            timeoutInputs["timeout"] = "300ms";
            var error = await Assert.ThrowsAsync<PluginException>(() => Send(timeoutInputs));
            Assert.True(error.Retryable);
            Assert.Equal($"sending e-mail through 127.0.0.1:{port} timed out after 300ms", error.Message);

            using var cancellation = new CancellationTokenSource();
            var running = Send(Inputs(), new TestPluginContext { Token = cancellation.Token });
            await cancellation.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        }
        finally
        {
            listener.Stop();
        }
    }

    [Theory]
    [InlineData("to", "not an address", "input 'to' has an invalid address 'not an address'")]
    [InlineData("from", "bot@", "input 'from' is not a valid address")]
    [InlineData("subject", "two\nlines", "input 'subject' must not contain line breaks")]
    [InlineData("security", "maybe", "input 'security' must be one of auto, starttls, tls, none")]
    [InlineData("port", "99999", "input 'port' must be a port number")]
    [InlineData("timeout", "never", "input 'timeout' must be a positive duration")]
    public async Task InvalidInputs_FailWithoutRetry_NamingTheInput(string input, string value, string message)
    {
        await using var sink = new SmtpSink();
        var inputs = Inputs(sink, new JsonObject { ["from"] = "bot@openclaw.test", ["to"] = "ada@example.test", ["subject"] = "s", ["text"] = "t" });
        inputs[input] = value;

        var error = await Assert.ThrowsAsync<PluginException>(() => Send(inputs));

        Assert.False(error.Retryable);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Empty(sink.Received);
    }

    [Theory]
    [InlineData("""{ "from": "bot@openclaw.test", "subject": "s", "text": "t" }""", "give at least one recipient")]
    [InlineData("""{ "to": "a@example.test", "subject": "s", "text": "t" }""", "input 'from' is required")]
    [InlineData("""{ "from": "bot@openclaw.test", "to": "a@example.test", "text": "t" }""", "input 'subject' is required")]
    [InlineData("""{ "from": "bot@openclaw.test", "to": "a@example.test", "subject": "s" }""", "give a body")]
    [InlineData("""{ "from": "bot@openclaw.test", "to": "a@example.test", "subject": "s", "html": "<p/>", "template": "<p/>" }""",
        "give the html either as input 'html' or in input 'template', not both")]
    [InlineData("""{ "from": "bot@openclaw.test", "to": "a@example.test", "subject": "s", "template": "{{#each}" }""", "template html is invalid")]
    [InlineData("""{ "from": "bot@openclaw.test", "to": "a@example.test", "subject": "s", "text": "t", "headers": { "Subject": "x" } }""",
        "'Subject' is set by the plugin")]
    public async Task IncompleteOrConflictingInputs_FailWithoutRetry(string json, string message)
    {
        await using var sink = new SmtpSink();

        var error = await Assert.ThrowsAsync<PluginException>(() => Send(Inputs(sink, JsonNode.Parse(json)!.AsObject())));

        Assert.False(error.Retryable);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoServer_FailsWithoutRetry()
    {
        var error = await Assert.ThrowsAsync<PluginException>(() =>
            Send(new JsonObject { ["from"] = "bot@openclaw.test", ["to"] = "a@example.test", ["subject"] = "s", ["text"] = "t" }));

        Assert.False(error.Retryable);
        Assert.Contains("input 'credential' (an smtp credential) or input 'host'", error.Message, StringComparison.Ordinal);
    }
}
