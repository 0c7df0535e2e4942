using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestFramework("OpenClaw.Storage.Tests.Postgres.PostgresAwareTestFramework", "OpenClaw.Storage.Tests")]

namespace OpenClaw.Storage.Tests.Postgres;

/// <summary>A test that needs PostgreSQL: skipped with <see cref="PostgresTestServer.SkipReason"/> where it cannot run.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresTestServer.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>
/// Every test of the class needs PostgreSQL, including the <c>[Fact]</c>s it inherits from a conformance suite (which
/// cannot be <see cref="PostgresFactAttribute"/>s: the suites are shared with SQLite). <see cref="PostgresAwareTestFramework"/>
/// reports them skipped where PostgreSQL cannot run.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresPostgresAttribute : Attribute;

/// <summary>
/// xunit's framework, except that the tests of a <see cref="RequiresPostgresAttribute"/> class are discovered as skipped
/// when <see cref="PostgresTestServer.SkipReason"/> says PostgreSQL cannot run here. (xunit 2 has no dynamic skip, and an
/// inherited <c>[Fact]</c> cannot be given a skip reason any other way.)
/// </summary>
public sealed class PostgresAwareTestFramework(IMessageSink messageSink) : XunitTestFramework(messageSink)
{
    protected override ITestFrameworkDiscoverer CreateDiscoverer(IAssemblyInfo assemblyInfo) =>
        new Discoverer(assemblyInfo, SourceInformationProvider, DiagnosticMessageSink);

    private sealed class Discoverer(IAssemblyInfo assemblyInfo, ISourceInformationProvider sourceProvider, IMessageSink diagnosticMessageSink)
        : XunitTestFrameworkDiscoverer(assemblyInfo, sourceProvider, diagnosticMessageSink)
    {
        protected override bool FindTestsForMethod(
            ITestMethod testMethod, bool includeSourceInformation, IMessageBus messageBus, ITestFrameworkDiscoveryOptions discoveryOptions)
        {
            if (PostgresTestServer.SkipReason is null || !testMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresPostgresAttribute)).Any())
            {
                return base.FindTestsForMethod(testMethod, includeSourceInformation, messageBus, discoveryOptions);
            }

            if (!testMethod.Method.GetCustomAttributes(typeof(FactAttribute)).Any())
            {
                return true;
            }

            var testCase = new SkippedTestCase(
                DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod);
            return ReportDiscoveredTestCase(testCase, includeSourceInformation, messageBus);
        }
    }

    /// <summary>A test case whose skip reason is PostgreSQL's absence (re-evaluated when deserialized for execution).</summary>
    public sealed class SkippedTestCase : XunitTestCase
    {
        [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
        public SkippedTestCase()
        {
        }

        public SkippedTestCase(IMessageSink diagnosticMessageSink, TestMethodDisplay display, TestMethodDisplayOptions displayOptions, ITestMethod testMethod)
            : base(diagnosticMessageSink, display, displayOptions, testMethod)
        {
        }

        protected override string GetSkipReason(IAttributeInfo factAttribute) => PostgresTestServer.SkipReason ?? base.GetSkipReason(factAttribute);
    }
}
