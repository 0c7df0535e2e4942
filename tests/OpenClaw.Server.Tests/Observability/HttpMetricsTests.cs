using OpenClaw.Server.Observability;

namespace OpenClaw.Server.Tests.Observability;

public sealed class HttpMetricsTests
{
    [Fact]
    public void RequestFinished_ServerError_CountsAsRequestAndError_ClientErrorOnlyAsRequest()
    {
        var metrics = new HttpMetrics();
        metrics.RequestStarted();
        metrics.RequestStarted();
        metrics.RequestStarted();
        Assert.Equal(3, metrics.InFlight);

        metrics.RequestFinished("GET", "/api/v2/workflows/{id}", 503, 0.2);
        metrics.RequestFinished("GET", "/api/v2/workflows/{id}", 404, 0.01);
        metrics.RequestFinished("BREW", "unmatched", 405, 0.01);

        Assert.Equal(0, metrics.InFlight);
        Assert.Equal(1, metrics.Requests.Get("GET", "/api/v2/workflows/{id}", "503"));
        Assert.Equal(1, metrics.Errors.Get("GET", "/api/v2/workflows/{id}", "503"));
        Assert.Equal(1, metrics.Requests.Get("GET", "/api/v2/workflows/{id}", "404"));
        Assert.Equal(0, metrics.Errors.Get("GET", "/api/v2/workflows/{id}", "404"));
        Assert.Equal(1, metrics.Requests.Get("OTHER", "unmatched", "405"));
    }

    [Fact]
    public void Write_ActiveConnectionsIsUntyped_BecauseTheSpecNameEndsInTotal()
    {
        var writer = new PrometheusTextWriter();

        new HttpMetrics().Write(writer);

        Assert.Contains("# TYPE active_connections_total untyped\nactive_connections_total 0\n", writer.ToString(), StringComparison.Ordinal);
    }
}
