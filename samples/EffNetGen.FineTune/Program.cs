using EffNetGen.FineTune;

// effnet fine-tuning: dotnet run --project samples/EffNetGen.FineTune -- <image-folder> [options]; --help lists them.
return FineTuneCommand.Create().Parse(args).Invoke();
