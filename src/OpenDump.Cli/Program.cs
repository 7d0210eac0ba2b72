using OpenDump.Cli;

const string Usage = """
    opendump — decode Futu / moomoo OpenD API traffic from packet captures

    usage: opendump <command> [options]

    commands:
      read <capture>    decode a pcap/pcapng file (or - for stdin): timeline, jsonl or json
      stats <capture>   statistics per connection and protocol, latency, request rates, failed calls
      follow <capture>  one connection as a conversation (--conn N), bodies expanded
      fields [proto]    the field paths --filter can use
      keys <capture>    write the AES keys learned from handshakes as a key log (needs --rsa-key)
      live              sniff OpenD traffic as it happens (default interface lo; needs capture rights)
      interfaces        list the interfaces live can capture on

    opendump <command> --help   for the options of a command
    opendump --version

    examples:
      opendump read capture.pcap --rsa-key conn_key.pem
      opendump read capture.pcap --rsa-key conn_key.pem --errors
      opendump stats capture.pcap --rsa-key conn_key.pem
      opendump follow capture.pcap --rsa-key conn_key.pem --conn 2
      opendump read capture.pcap --filter 'body.s2c.basicQotList[*].security.code == "00700"'
      sudo opendump live --rsa-key conn_key.pem
    """;

try
{
    if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
    {
        Console.Out.WriteLine(Usage);
        return args.Length == 0 ? ExitCodes.Usage : ExitCodes.Ok;
    }
    if (args[0] == "--version")
    {
        Console.Out.WriteLine($"opendump {typeof(ExitCodes).Assembly.GetName().Version?.ToString(3)}");
        return ExitCodes.Ok;
    }
    return args[0] switch
    {
        "read" => ReadCommand.Run(args[1..], Console.OpenStandardOutput(), Console.Error),
        "stats" => StatsCommand.Run(args[1..], Console.OpenStandardOutput(), Console.Error),
        "follow" => FollowCommand.Run(args[1..], Console.OpenStandardOutput(), Console.Error),
        "fields" => FieldsCommand.Run(args[1..], Console.Out),
        "keys" => KeysCommand.Run(args[1..], Console.OpenStandardOutput(), Console.Error),
        "live" => RunLive(args[1..]),
        "interfaces" => InterfacesCommand.Run(Console.Out, Console.Error),
        _ => throw new UsageException($"unknown command '{args[0]}'"),
    };
}
catch (UsageException e)
{
    Console.Error.WriteLine($"opendump: {e.Message}");
    Console.Error.WriteLine("try 'opendump --help'");
    return ExitCodes.Usage;
}

// Ctrl-C asks the capture to stop; held frames are then flushed and the summary printed.
static int RunLive(string[] args)
{
    using var stop = new CancellationTokenSource();
    ConsoleCancelEventHandler onCancel = (_, e) =>
    {
        e.Cancel = true;
        stop.Cancel();
    };
    Console.CancelKeyPress += onCancel;
    try
    {
        return LiveCommand.Run(args, Console.OpenStandardOutput(), Console.Error, stop.Token);
    }
    finally
    {
        Console.CancelKeyPress -= onCancel;
    }
}
