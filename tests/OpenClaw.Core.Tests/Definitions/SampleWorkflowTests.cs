using OpenClaw.Core.Definitions;

namespace OpenClaw.Core.Tests.Definitions;

/// <summary>The definitions shipped in samples/workflows must stay valid as the format evolves.</summary>
public class SampleWorkflowTests
{
    public static TheoryData<string> Samples() => new(Directory.GetFiles(DefinitionFixtures.SamplesFolder(), "*.y*ml").Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(Samples))]
    public void Sample_ParsesAndValidatesAgainstTheBuiltInPlugins(string fileName)
    {
        string path = Path.Combine(DefinitionFixtures.SamplesFolder(), fileName);
        var validator = new WorkflowValidator(new TestCatalog(), workflowExists: id => id == "notify-ops");

        var result = validator.ParseAndValidate(File.ReadAllText(path), WorkflowDefinitionParser.DetectFormat(path));

        DefinitionFixtures.NoErrors(result.Errors);
        Assert.True(result.IsValid);
    }

    [Fact]
    public void Samples_IncludeHelloAndTheOrderPipeline()
    {
        var names = Directory.GetFiles(DefinitionFixtures.SamplesFolder()).Select(Path.GetFileName).ToList();
        Assert.Contains("hello.yaml", names);
        Assert.Contains("order-pipeline.yaml", names);
    }

    [Fact]
    public void OrderPipeline_UsesEveryStepTypeItIsMeantToShow()
    {
        var result = WorkflowDefinitionParser.Parse(File.ReadAllText(Path.Combine(DefinitionFixtures.SamplesFolder(), "order-pipeline.yaml")), DefinitionFormat.Yaml);
        var types = result.Definition!.AllSteps().Select(s => s.Type).ToHashSet();
        Assert.Superset(new HashSet<StepType> { StepType.Plugin, StepType.Condition, StepType.Loop, StepType.Parallel, StepType.Delay }, types);
    }
}
