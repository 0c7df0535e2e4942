using YamlDotNet.RepresentationModel;

namespace OpenClaw.Deploy.Tests.Kubernetes;

/// <summary>One Kubernetes object from a YAML document, with path lookups for the structural checks.</summary>
internal sealed record Manifest(string File, YamlMappingNode Root)
{
    public string ApiVersion => Text("apiVersion") ?? "";

    public string Kind => Text("kind") ?? "";

    public string Name => Text("metadata.name") ?? "";

    public string? Namespace => Text("metadata.namespace");

    public override string ToString() => $"{Kind} {Name} ({Path.GetFileName(File)})";

    /// <summary>Every object in the YAML files under <paramref name="folder"/> (multi-document files included).</summary>
    public static List<Manifest> LoadAll(string folder)
    {
        var manifests = new List<Manifest>();
        foreach (var file in Directory.EnumerateFiles(folder, "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var yaml = new YamlStream();
            using (var reader = new StreamReader(file)) yaml.Load(reader);
            foreach (var document in yaml.Documents)
            {
                if (document.RootNode is not YamlMappingNode root)
                    throw new InvalidOperationException($"{file}: a document is not a mapping");
                manifests.Add(new Manifest(file, root));
            }
        }
        return manifests;
    }

    public YamlNode? Node(string path) => Find(Root, path);

    public string? Text(string path) => (Node(path) as YamlScalarNode)?.Value;

    public static YamlNode? Find(YamlNode node, string path)
    {
        var current = node;
        foreach (var part in path.Split('.'))
        {
            if (current is not YamlMappingNode mapping || !mapping.Children.TryGetValue(new YamlScalarNode(part), out var next)) return null;
            current = next;
        }
        return current;
    }

    public static string? TextAt(YamlNode node, string path) => (Find(node, path) as YamlScalarNode)?.Value;

    public static IEnumerable<YamlNode> Items(YamlNode? node) => node is YamlSequenceNode sequence ? sequence.Children : [];

    /// <summary>A string-to-string mapping (labels, selectors, ConfigMap data) as a dictionary; empty when absent.</summary>
    public static Dictionary<string, string> Map(YamlNode? node) =>
        node is YamlMappingNode mapping
            ? mapping.Children.ToDictionary(c => ((YamlScalarNode)c.Key).Value!, c => (c.Value as YamlScalarNode)?.Value ?? "", StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);
}
