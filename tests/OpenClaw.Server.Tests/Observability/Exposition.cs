using System.Globalization;
using System.Text;

namespace OpenClaw.Server.Tests.Observability;

/// <summary>A parsed scrape: the declared types and every sample, enough for the tests to check values.</summary>
public sealed class Exposition
{
    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
    {
        public bool Has(params (string Name, string Value)[] labels) =>
            labels.All(l => Labels.TryGetValue(l.Name, out var v) && v == l.Value);
    }

    private Exposition(string text, Dictionary<string, string> types, List<Sample> samples)
    {
        Text = text;
        Types = types;
        Samples = samples;
    }

    public string Text { get; }

    /// <summary>Metric family name to its <c># TYPE</c>.</summary>
    public IReadOnlyDictionary<string, string> Types { get; }

    public IReadOnlyList<Sample> Samples { get; }

    public IEnumerable<Sample> Of(string name, params (string Name, string Value)[] labels) =>
        Samples.Where(s => s.Name == name && s.Has(labels));

    /// <summary>The single sample matching, or null when there is none.</summary>
    public double? Value(string name, params (string Name, string Value)[] labels) =>
        Of(name, labels).SingleOrDefault()?.Value;

    public static Exposition Parse(string text)
    {
        var types = new Dictionary<string, string>();
        var samples = new List<Sample>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0) continue;
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                types[parts[2]] = parts[3];
                continue;
            }
            if (line.StartsWith('#')) continue;
            samples.Add(ParseSample(line));
        }
        return new Exposition(text, types, samples);
    }

    private static Sample ParseSample(string line)
    {
        var labels = new Dictionary<string, string>();
        var brace = line.IndexOf('{', StringComparison.Ordinal);
        var space = line.LastIndexOf(' ');
        string name;
        if (brace < 0 || brace > space)
        {
            name = line[..space];
        }
        else
        {
            name = line[..brace];
            var i = brace + 1;
            while (line[i] != '}')
            {
                var eq = line.IndexOf('=', i);
                var label = line[i..eq];
                i = eq + 2;
                var value = new StringBuilder();
                while (line[i] != '"')
                {
                    if (line[i] == '\\')
                    {
                        i++;
                        value.Append(line[i] == 'n' ? '\n' : line[i]);
                    }
                    else
                    {
                        value.Append(line[i]);
                    }
                    i++;
                }
                labels[label] = value.ToString();
                i++;
                if (line[i] == ',') i++;
            }
        }
        var text = line[(space + 1)..];
        var number = text switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            _ => double.Parse(text, CultureInfo.InvariantCulture),
        };
        return new Sample(name, labels, number);
    }
}
