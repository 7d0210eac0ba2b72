using OpenDump.Decoding;
using OpenDump.Filtering;
using OpenDump.Reassembly;
using OpenDump.Session;

namespace OpenDump.Cli;

/// <summary>The frame filters every command that shows frames shares (read, live, stats, follow).</summary>
internal sealed class FilterArguments
{
    public const string Help = """

        filters (all must hold; a reply that passes keeps its latency and request frame):
          --proto <list>        protoIDs or names, comma-separated, wildcards allowed (3004,Qot_Update*)
          --conn <list>         connection numbers (1,3)
          --dir <c2s|s2c>       one direction
          --kind <list>         request, response, push
          --errors              failed calls (retType != 0, WebSocket header errors), SHA-1 mismatches,
                                frames with decode problems
          --since <t>, --until <t>
                                time bounds: seconds since the epoch, ISO 8601 (2026-11-25T09:30:00Z)
                                or +seconds after the first frame
          --filter <expr>       an expression over the JSON field names, e.g.
                                'retType != 0 and proto == "Trd_PlaceOrder"',
                                'body.s2c.basicQotList[*].security.code == "00700"' (see `opendump fields`)
        """;

    private readonly List<string> _protos = [];
    private HashSet<int>? _connections;
    private FlowDirection? _direction;
    private HashSet<FrameKind>? _kinds;
    private bool _errors;
    private TimeBound? _since, _until;
    private string? _expression;

    public bool TryTake(string[] args, ref int i)
    {
        switch (args[i])
        {
            case "--proto": _protos.Add(CaptureArguments.Value(args, ref i)); return true;
            case "--conn":
                _connections ??= [];
                foreach (var part in CaptureArguments.Value(args, ref i).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                {
                    if (!int.TryParse(part, out var n) || n <= 0) throw new UsageException($"--conn: '{part}' is not a connection number (they start at 1)");
                    _connections.Add(n);
                }
                return true;
            case "--dir":
                _direction = CaptureArguments.Value(args, ref i) switch
                {
                    "c2s" => FlowDirection.ClientToServer,
                    "s2c" => FlowDirection.ServerToClient,
                    var other => throw new UsageException($"--dir: '{other}' is neither c2s nor s2c"),
                };
                return true;
            case "--kind":
                _kinds ??= [];
                foreach (var part in CaptureArguments.Value(args, ref i).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                    _kinds.Add(part switch
                    {
                        "request" => FrameKind.Request,
                        "response" or "reply" => FrameKind.Response,
                        "push" => FrameKind.Push,
                        _ => throw new UsageException($"--kind: '{part}' is not one of request, response, push"),
                    });
                return true;
            case "--errors": _errors = true; return true;
            case "--since": _since = Time(args, ref i); return true;
            case "--until": _until = Time(args, ref i); return true;
            case "--filter":
                if (_expression is not null) throw new UsageException("--filter given twice; join the expressions with 'and'");
                _expression = CaptureArguments.Value(args, ref i);
                return true;
            default:
                return false;
        }
    }

    /// <summary>The selection, or a usage error that points into the expression.</summary>
    public FrameSelection Build(TextWriter stderr, int? onlyConnection = null)
    {
        FilterExpression? expression = null;
        if (_expression is not null)
        {
            try
            {
                expression = FilterExpression.Parse(_expression);
            }
            catch (FilterSyntaxException e)
            {
                throw new UsageException($"--filter: the expression does not parse:\n{e.Render()}");
            }
            foreach (var warning in expression.Validate(ProtoRegistry.Default))
                stderr.WriteLine($"opendump: warning: --filter:\n{warning.Render()}");
        }
        IReadOnlySet<uint>? protos = null;
        if (_protos.Count > 0)
        {
            try
            {
                protos = FrameSelection.ResolveProtos(_protos, ProtoRegistry.Default);
            }
            catch (ArgumentException e)
            {
                throw new UsageException($"--proto: {e.Message}");
            }
        }
        var connections = onlyConnection is { } only ? new HashSet<int> { only } : _connections;
        var selection = new FrameSelection
        {
            ProtoIds = protos,
            Connections = connections,
            Direction = _direction,
            Kinds = _kinds,
            ErrorsOnly = _errors,
            Since = _since,
            Until = _until,
            Expression = expression,
        };
        return selection;
    }

    private static TimeBound Time(string[] args, ref int i)
    {
        var option = args[i];
        try
        {
            return TimeBound.Parse(CaptureArguments.Value(args, ref i));
        }
        catch (FormatException e)
        {
            throw new UsageException($"{option}: {e.Message}");
        }
    }
}
