// The libstdc++ compatibility step, in one file because MSBuild's RoslynCodeTaskFactory compiles exactly
// one source (see LibStdCxxCompat.targets); the tests compile the same file. Plain C# for netstandard2.0.
#nullable disable
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace EffNetGen.Build
{
    /// <summary>One <c>Vernaux</c> entry of <c>.gnu.version_r</c>: a symbol version a library requires.</summary>
    public sealed class VersionNeed
    {
        public VersionNeed(string file, string name, int index, int flags, long flagsOffset)
        {
            File = file;
            Name = name;
            Index = index;
            Flags = flags;
            FlagsOffset = flagsOffset;
        }

        /// <summary>The library that must provide it, e.g. <c>libstdc++.so.6</c>.</summary>
        public string File { get; }

        /// <summary>The version name, e.g. <c>GLIBCXX_3.4.32</c>.</summary>
        public string Name { get; }

        /// <summary>The version index symbols refer to in <c>.gnu.version</c> (<c>vna_other</c>).</summary>
        public int Index { get; }

        /// <summary><c>vna_flags</c>; <see cref="ElfVersionInfo.WeakFlag"/> set means optional.</summary>
        public int Flags { get; }

        /// <summary>File offset of <c>vna_flags</c>.</summary>
        public long FlagsOffset { get; }

        public bool IsWeak => (Flags & ElfVersionInfo.WeakFlag) != 0;
    }

    /// <summary>
    /// Reads the symbol-versioning sections of an ELF shared object by walking its section headers
    /// (<c>.gnu.version_r</c>, <c>.gnu.version_d</c>, <c>.gnu.version</c>, <c>.dynsym</c>, relocations),
    /// 32- or 64-bit, either byte order. Throws <see cref="FormatException"/> on anything malformed.
    /// </summary>
    public sealed class ElfVersionInfo
    {
        /// <summary><c>VER_FLG_WEAK</c>: the dynamic loader does not fail when the version is missing.</summary>
        public const int WeakFlag = 0x2;

        private const uint ShtRela = 4, ShtRel = 9, ShtDynsym = 11;
        private const uint ShtGnuVerdef = 0x6ffffffd, ShtGnuVerneed = 0x6ffffffe, ShtGnuVersym = 0x6fffffff;

        private readonly byte[] _image;
        private readonly bool _is64;
        private readonly bool _bigEndian;
        private readonly List<Section> _sections = new List<Section>();

        public ElfVersionInfo(byte[] image)
        {
            _image = image ?? throw new ArgumentNullException(nameof(image));
            if (image.Length < 52 || image[0] != 0x7f || image[1] != (byte)'E' || image[2] != (byte)'L' || image[3] != (byte)'F')
            {
                throw new FormatException("not an ELF file");
            }
            _is64 = image[4] switch { 1 => false, 2 => true, _ => throw new FormatException("unknown ELF class " + image[4]) };
            _bigEndian = image[5] switch { 1 => false, 2 => true, _ => throw new FormatException("unknown ELF data encoding " + image[5]) };
            Machine = U16(18);
            ReadSectionHeaders();
            Needs = ReadNeeds();
            Definitions = ReadDefinitions();
        }

        /// <summary><c>e_machine</c> (62 = x86-64, 183 = AArch64).</summary>
        public int Machine { get; }

        public bool Is64Bit => _is64;

        /// <summary>Versions this object requires from its dependencies.</summary>
        public IReadOnlyList<VersionNeed> Needs { get; }

        /// <summary>Versions this object defines (what a libstdc++ provides).</summary>
        public IReadOnlyList<string> Definitions { get; }

        /// <summary>
        /// Dynamic symbols bound to version <paramref name="index"/> that some relocation refers to.
        /// A symbol never relocated is never looked up, so a missing version for it is harmless.
        /// </summary>
        public IReadOnlyList<string> RelocatedSymbols(int index)
        {
            var dynsymIndex = _sections.FindIndex(s => s.Type == ShtDynsym);
            var versym = _sections.FirstOrDefault(s => s.Type == ShtGnuVersym);
            if (dynsymIndex < 0 || versym == null)
            {
                return Array.Empty<string>();
            }
            var dynsym = _sections[dynsymIndex];
            var symbolSize = _is64 ? 24 : 16;
            var relocated = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var section in _sections.Where(s => (s.Type == ShtRela || s.Type == ShtRel) && s.Link == dynsymIndex))
            {
                var entrySize = section.EntrySize != 0 ? section.EntrySize : RelocationSize(section.Type);
                for (long at = section.Offset; at + entrySize <= section.Offset + section.Size; at += entrySize)
                {
                    var info = _is64 ? U64(at + 8) : U32(at + 4);
                    var symbol = _is64 ? (long)(info >> 32) : (long)(info >> 8);
                    if (symbol == 0 || (symbol + 1) * 2 > versym.Size)
                    {
                        continue;
                    }
                    if ((U16(versym.Offset + (symbol * 2)) & 0x7fff) == index)
                    {
                        var nameOffset = U32(dynsym.Offset + (symbol * symbolSize));
                        relocated.Add(CString(_sections[(int)dynsym.Link].Offset + nameOffset));
                    }
                }
            }
            return relocated.ToList();
        }

        /// <summary>Sets <see cref="WeakFlag"/> on <paramref name="need"/> in <paramref name="image"/> (a copy of the file).</summary>
        public static void MarkWeak(byte[] image, VersionNeed need, bool bigEndian)
        {
            var flags = need.Flags | WeakFlag;
            image[need.FlagsOffset + (bigEndian ? 1 : 0)] = (byte)(flags & 0xff);
            image[need.FlagsOffset + (bigEndian ? 0 : 1)] = (byte)(flags >> 8);
        }

        public bool IsBigEndian => _bigEndian;

        private long RelocationSize(uint type) => type == ShtRela ? (_is64 ? 24 : 12) : (_is64 ? 16 : 8);

        private void ReadSectionHeaders()
        {
            var shoff = _is64 ? (long)U64(0x28) : U32(0x20);
            var shentsize = U16(_is64 ? 0x3A : 0x2E);
            var shnum = U16(_is64 ? 0x3C : 0x30);
            if (shoff <= 0 || shnum == 0 || shentsize < (_is64 ? 64 : 40) || shoff + ((long)shnum * shentsize) > _image.Length)
            {
                throw new FormatException("section header table missing or out of bounds");
            }
            for (var i = 0; i < shnum; i++)
            {
                var at = shoff + ((long)i * shentsize);
                var section = _is64
                    ? new Section(U32(at + 4), (long)U64(at + 24), (long)U64(at + 32), U32(at + 40), U32(at + 44), (long)U64(at + 56))
                    : new Section(U32(at + 4), U32(at + 16), U32(at + 20), U32(at + 24), U32(at + 28), U32(at + 36));
                if (section.Type != 8 /* SHT_NOBITS */ && (section.Offset < 0 || section.Offset + section.Size > _image.Length))
                {
                    throw new FormatException("section " + i + " lies outside the file");
                }
                _sections.Add(section);
            }
        }

        private List<VersionNeed> ReadNeeds()
        {
            var needs = new List<VersionNeed>();
            foreach (var section in _sections.Where(s => s.Type == ShtGnuVerneed))
            {
                var strings = StringTable(section);
                long entry = section.Offset;
                for (var n = 0; n < section.Info; n++)
                {
                    var count = U16(entry + 2);
                    var file = CString(strings + U32(entry + 4));
                    long aux = entry + U32(entry + 8);
                    for (var a = 0; a < count; a++)
                    {
                        needs.Add(new VersionNeed(file, CString(strings + U32(aux + 8)), U16(aux + 6), U16(aux + 4), aux + 4));
                        aux += U32(aux + 12);
                    }
                    var next = U32(entry + 12);
                    if (next == 0)
                    {
                        break;
                    }
                    entry += next;
                }
            }
            return needs;
        }

        private List<string> ReadDefinitions()
        {
            var definitions = new List<string>();
            foreach (var section in _sections.Where(s => s.Type == ShtGnuVerdef))
            {
                var strings = StringTable(section);
                long entry = section.Offset;
                for (var n = 0; n < section.Info; n++)
                {
                    // The first Verdaux names the version itself; later ones name its predecessors.
                    definitions.Add(CString(strings + U32(entry + U32(entry + 12))));
                    var next = U32(entry + 16);
                    if (next == 0)
                    {
                        break;
                    }
                    entry += next;
                }
            }
            return definitions;
        }

        private long StringTable(Section section)
        {
            if (section.Link >= _sections.Count)
            {
                throw new FormatException("version section links to a missing string table");
            }
            return _sections[(int)section.Link].Offset;
        }

        private string CString(long at)
        {
            Check(at, 1);
            var end = at;
            while (end < _image.Length && _image[end] != 0)
            {
                end++;
            }
            return Encoding.ASCII.GetString(_image, (int)at, (int)(end - at));
        }

        private int U16(long at)
        {
            Check(at, 2);
            return _bigEndian ? (_image[at] << 8) | _image[at + 1] : _image[at] | (_image[at + 1] << 8);
        }

        private uint U32(long at)
        {
            Check(at, 4);
            uint value = 0;
            for (var i = 0; i < 4; i++)
            {
                value |= (uint)_image[at + (_bigEndian ? 3 - i : i)] << (8 * i);
            }
            return value;
        }

        private ulong U64(long at)
        {
            Check(at, 8);
            ulong value = 0;
            for (var i = 0; i < 8; i++)
            {
                value |= (ulong)_image[at + (_bigEndian ? 7 - i : i)] << (8 * i);
            }
            return value;
        }

        private void Check(long at, int size)
        {
            if (at < 0 || at + size > _image.Length)
            {
                throw new FormatException("read past the end of the file at offset " + at);
            }
        }

        private sealed class Section
        {
            public Section(uint type, long offset, long size, uint link, uint info, long entrySize)
            {
                Type = type;
                Offset = offset;
                Size = size;
                Link = link;
                Info = info;
                EntrySize = entrySize;
            }

            public uint Type { get; }
            public long Offset { get; }
            public long Size { get; }
            public uint Link { get; }
            public uint Info { get; }
            public long EntrySize { get; }
        }
    }

    /// <summary>
    /// Decides and applies the patch: which versions a library needs from libstdc++ that the host's
    /// libstdc++ lacks, and whether each can safely be made weak (no relocation uses its symbols).
    /// </summary>
    public static class LibStdCxxCompat
    {
        public const string LibStdCxx = "libstdc++.so.6";

        /// <summary>The outcome for one library.</summary>
        public sealed class Plan
        {
            public Plan(IReadOnlyList<VersionNeed> patchable, IReadOnlyList<string> unpatchable)
            {
                Patchable = patchable;
                Unpatchable = unpatchable;
            }

            /// <summary>Missing, not yet weak, and unused by any relocation: safe to mark weak.</summary>
            public IReadOnlyList<VersionNeed> Patchable { get; }

            /// <summary>Missing versions whose symbols are relocated: "version: symbols" descriptions.</summary>
            public IReadOnlyList<string> Unpatchable { get; }
        }

        public static Plan PlanFor(ElfVersionInfo library, ICollection<string> provided)
        {
            var missing = library.Needs.Where(n => n.File == LibStdCxx && !n.IsWeak && !provided.Contains(n.Name)).ToList();
            var patchable = new List<VersionNeed>();
            var unpatchable = new List<string>();
            foreach (var need in missing)
            {
                var relocated = library.RelocatedSymbols(need.Index);
                if (relocated.Count == 0)
                {
                    patchable.Add(need);
                }
                else
                {
                    unpatchable.Add(need.Name + ": " + string.Join(", ", relocated));
                }
            }
            return new Plan(patchable, unpatchable);
        }

        /// <summary>The patched bytes of <paramref name="image"/> (a new array; the input is unchanged).</summary>
        public static byte[] Apply(byte[] image, ElfVersionInfo info, Plan plan)
        {
            var patched = (byte[])image.Clone();
            foreach (var need in plan.Patchable)
            {
                ElfVersionInfo.MarkWeak(patched, need, info.IsBigEndian);
            }
            return patched;
        }

        /// <summary>
        /// The libstdc++ the dynamic loader would pick for a library of <paramref name="machine"/>:
        /// LD_LIBRARY_PATH first, then the ldconfig cache, then the usual directories.
        /// </summary>
        public static string FindSystemLibStdCxx(int machine, bool is64Bit)
        {
            var candidates = new List<string>();
            var ldPath = Environment.GetEnvironmentVariable("LD_LIBRARY_PATH") ?? "";
            candidates.AddRange(ldPath.Split(new[] { ':' }, StringSplitOptions.RemoveEmptyEntries).Select(d => Path.Combine(d, LibStdCxx)));
            candidates.AddRange(LdconfigEntries());
            candidates.AddRange(new[] { "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu",
                "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib", "/lib" }.Select(d => Path.Combine(d, LibStdCxx)));
            foreach (var candidate in candidates.Where(File.Exists))
            {
                try
                {
                    var info = new ElfVersionInfo(File.ReadAllBytes(candidate));
                    if (info.Machine == machine && info.Is64Bit == is64Bit)
                    {
                        return candidate;
                    }
                }
                catch (FormatException)
                {
                    // Not a usable ELF file (a linker script, another architecture): keep looking.
                }
            }
            return null;
        }

        private static IEnumerable<string> LdconfigEntries()
        {
            var ldconfig = new[] { "/sbin/ldconfig", "/usr/sbin/ldconfig" }.FirstOrDefault(File.Exists);
            if (ldconfig == null)
            {
                return Array.Empty<string>();
            }
            try
            {
                using (var process = Process.Start(new ProcessStartInfo(ldconfig, "-p") { RedirectStandardOutput = true, UseShellExecute = false }))
                {
                    var output = process.StandardOutput.ReadToEnd();
                    process.WaitForExit();
                    // Lines look like: "\tlibstdc++.so.6 (libc6,x86-64) => /lib/x86_64-linux-gnu/libstdc++.so.6"
                    return output.Split('\n')
                        .Where(l => l.TrimStart().StartsWith(LibStdCxx + " ", StringComparison.Ordinal) && l.Contains("=>"))
                        .Select(l => l.Substring(l.IndexOf("=>", StringComparison.Ordinal) + 2).Trim())
                        .ToList();
                }
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception || e is InvalidOperationException)
            {
                return Array.Empty<string>();
            }
        }
    }

    /// <summary>
    /// MSBuild task: makes the libstdc++ version requirements of copied native libraries that the host
    /// lacks weak, in place in the build output (never in the NuGet cache), when that is safe.
    /// </summary>
    public sealed class PatchLibStdCxxRequirements : Task
    {
        /// <summary>Native libraries in the output directory.</summary>
        [Required]
        public ITaskItem[] Libraries { get; set; }

        public override bool Execute()
        {
            foreach (var item in Libraries)
            {
                var path = item.ItemSpec;
                if (!File.Exists(path))
                {
                    continue;
                }
                try
                {
                    PatchOne(path);
                }
                catch (Exception e) when (e is FormatException || e is IOException || e is UnauthorizedAccessException)
                {
                    Log.LogWarning("EffNetGen: could not check {0} for libstdc++ compatibility: {1}", path, e.Message);
                }
            }
            return !Log.HasLoggedErrors;
        }

        private void PatchOne(string path)
        {
            var image = File.ReadAllBytes(path);
            var info = new ElfVersionInfo(image);
            var system = LibStdCxxCompat.FindSystemLibStdCxx(info.Machine, info.Is64Bit);
            if (system == null)
            {
                Log.LogMessage(MessageImportance.Low, "EffNetGen: no system {0} found; leaving {1} as is.", LibStdCxxCompat.LibStdCxx, path);
                return;
            }
            var provided = new HashSet<string>(new ElfVersionInfo(File.ReadAllBytes(system)).Definitions, StringComparer.Ordinal);
            var plan = LibStdCxxCompat.PlanFor(info, provided);
            foreach (var problem in plan.Unpatchable)
            {
                Log.LogWarning("EffNetGen: {0} needs {1} from {2}, which {3} lacks, and uses it; upgrade libstdc++ (GCC 13 or newer).",
                    Path.GetFileName(path), problem, LibStdCxxCompat.LibStdCxx, system);
            }
            if (plan.Patchable.Count == 0)
            {
                return;
            }
            var patched = LibStdCxxCompat.Apply(image, info, plan);
            // Write a new file and move it over the old one, so a hard link into the NuGet cache is never
            // modified. Keep the copy's timestamp: incremental builds then see it as up to date and keep it.
            var timestamp = File.GetLastWriteTimeUtc(path);
            var temporary = path + ".effnetgen.tmp";
            File.WriteAllBytes(temporary, patched);
            File.Delete(path);
            File.Move(temporary, path);
            File.SetLastWriteTimeUtc(path, timestamp);
            Log.LogMessage(MessageImportance.High,
                "EffNetGen: {0} requires {1} but {2} does not provide it; marked the requirement weak in {3} (its symbols are never relocated). Set EffNetGenLibStdCxxCompat=false to disable.",
                Path.GetFileName(path), string.Join(", ", plan.Patchable.Select(n => n.Name)), system, path);
        }
    }
}
