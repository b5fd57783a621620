using KataServer.Scheduling.Interception;
using Mono.Cecil;
using Mono.Cecil.Cil;
using Mono.Cecil.Rocks;

namespace KataServer.Rewriting;

/// <summary>
/// Rewrites one method body. Code is inserted before an instruction by turning that instruction (or the first of its
/// prefixes) into the first inserted instruction and re-creating the original after the inserted code: branches,
/// switch tables, exception-handler boundaries and sequence points that pointed at the original then point at the
/// inserted code, which therefore runs in the same protected region and maps to the same source line.
/// </summary>
internal sealed class MethodRewriter
{
    private readonly RewriteContext _context;
    private readonly MethodDefinition _method;
    private readonly MethodBody _body;
    private readonly Dictionary<string, VariableDefinition> _temps = new(StringComparer.Ordinal);
    private IDictionary<Instruction, SequencePoint>? _sequencePoints;
    private HashSet<Instruction> _boundaries = [];
    private readonly Dictionary<Instruction, Instruction> _moved = [];
    private HashSet<Instruction> _constructorStores = [];

    public MethodRewriter(RewriteContext context, MethodDefinition method)
    {
        _context = context;
        _method = method;
        _body = method.Body;
    }

    private RewriteReport Report => _context.Report;

    private ModuleDefinition Module => _context.Module;

    /// <summary>
    /// First pass (shared-memory mode): records the fields of this module that this method may change after they can be
    /// shared. Stores that are not such changes: a closure being filled before anything else sees it, a constructor
    /// storing to <c>this</c>'s own fields, a static constructor storing to its type's static fields. Any address taken
    /// (<c>ldflda</c>, <c>ldsflda</c>) counts as a change. Fields never changed are immutable once shared: their reads
    /// need no hook (see <see cref="IsImmutableOnceShared"/>).
    /// </summary>
    public void CollectMutatedFields(HashSet<FieldDefinition> mutated)
    {
        _body.SimplifyMacros();
        var instructions = _body.Instructions.ToArray();
        _boundaries = CollectBoundaries();
        var initializerStores = CollectInitializerStores(instructions);
        var constructorStores = CollectConstructorStores(instructions);

        foreach (var instruction in instructions)
        {
            if (instruction.OpCode.Code is not (Code.Stfld or Code.Stsfld or Code.Ldflda or Code.Ldsflda) ||
                instruction.Operand is not FieldReference reference)
            {
                continue;
            }

            FieldDefinition? field;
            try
            {
                field = reference.Resolve();
            }
            catch (AssemblyResolutionException)
            {
                continue; // not a field of this module
            }

            if (field is null || field.Module != Module)
            {
                continue;
            }

            var ownType = Signatures.TypeKey(field.DeclaringType) == Signatures.TypeKey(_method.DeclaringType);
            var harmless = instruction.OpCode.Code switch
            {
                Code.Stfld => initializerStores.Contains(instruction) || (ownType && constructorStores.Contains(instruction)),
                Code.Stsfld => ownType && _method.IsConstructor && _method.IsStatic,
                _ => false,
            };
            if (!harmless)
            {
                mutated.Add(field);
            }
        }
    }

    private bool IsInitializationOf(Instruction instruction, FieldDefinition field) =>
        Signatures.TypeKey(field.DeclaringType) == Signatures.TypeKey(_method.DeclaringType) && instruction.OpCode.Code switch
        {
            Code.Stfld => _constructorStores.Contains(instruction),
            Code.Stsfld => _method.IsConstructor && _method.IsStatic,
            _ => false,
        };

    /// <summary>In an instance constructor, the stores to fields of <c>this</c> (<c>ldarg.0; value; stfld</c>).</summary>
    private HashSet<Instruction> CollectConstructorStores(Instruction[] instructions)
    {
        var stores = new HashSet<Instruction>();
        if (_method.IsConstructor && !_method.IsStatic)
        {
            foreach (var instruction in instructions)
            {
                if (instruction.OpCode.Code == Code.Ldarg && instruction.Operand == _body.ThisParameter &&
                    FindConsumer(instruction, followDup: true, followFieldAddress: false) is { OpCode.Code: Code.Stfld } store)
                {
                    stores.Add(store);
                }
            }
        }

        return stores;
    }

    /// <summary>
    /// A field nothing in this module changes once it can be shared (see <see cref="CollectMutatedFields"/>), and that code
    /// outside the module cannot write: a closure field, or a non-public field of a class, or a non-public static field.
    /// </summary>
    private bool IsImmutableOnceShared(FieldDefinition field)
    {
        var options = _context.Options;
        if (options.InstrumentImmutableFieldReads || (field.IsInitOnly && options.InstrumentReadonlyFieldReads) ||
            field.Module != Module || _context.MutatedFields.Contains(field))
        {
            return false;
        }

        if (IsDisplayClass(field.DeclaringType))
        {
            return true;
        }

        var hidden = field.IsPrivate || field.IsAssembly || field.IsFamilyAndAssembly;
        return hidden && (field.IsStatic || !field.DeclaringType.IsValueType);
    }

    /// <returns>true when the body changed</returns>
    public bool Run()
    {
        if (_method.DebugInformation.HasSequencePoints)
        {
            _sequencePoints = _method.DebugInformation.GetSequencePointMapping();
        }

        _body.SimplifyMacros();
        var instructions = _body.Instructions.ToArray();
        _boundaries = CollectBoundaries();
        var initializerStores = _context.Options.InstrumentSharedMemory ? CollectInitializerStores(instructions) : [];
        _constructorStores = _context.Options.InstrumentSharedMemory ? CollectConstructorStores(instructions) : [];
        var firstHookable = _context.Options.InstrumentSharedMemory ? FirstInstructionAfterChainedConstructorCall(instructions) : int.MaxValue;
        var changed = false;
        var backEdges = _context.Options.InstrumentSharedMemory ? CollectBackEdges(instructions) : [];
        for (var i = 0; i < instructions.Length; i++)
        {
            var instruction = instructions[i];
            if (backEdges.Contains(instruction))
            {
                changed |= HookBackEdge(instruction);
                while (_moved.TryGetValue(instruction, out var movedBranch))
                {
                    instruction = movedBranch;
                }
            }

            while (_moved.TryGetValue(instruction, out var moved))
            {
                instruction = moved; // code was inserted before it while handling an earlier instruction
            }

            switch (instruction.OpCode.Code)
            {
                case Code.Call:
                case Code.Callvirt:
                case Code.Newobj:
                    changed |= RewriteCall(instruction);
                    break;
                case Code.Ldftn:
                case Code.Ldvirtftn:
                    changed |= RewriteFunctionPointer(instruction);
                    break;
                case Code.Ldfld:
                case Code.Ldflda:
                    changed |= i >= firstHookable && HookField(instruction, isStatic: false, isWrite: false);
                    break;
                case Code.Stfld:
                    changed |= i >= firstHookable && !initializerStores.Contains(instructions[i]) && HookField(instruction, isStatic: false, isWrite: true);
                    break;
                case Code.Ldsfld:
                case Code.Ldsflda:
                    changed |= i >= firstHookable && HookField(instruction, isStatic: true, isWrite: false);
                    break;
                case Code.Stsfld:
                    changed |= i >= firstHookable && HookField(instruction, isStatic: true, isWrite: true);
                    break;
                case Code.Ldelem_I1:
                case Code.Ldelem_U1:
                case Code.Ldelem_I2:
                case Code.Ldelem_U2:
                case Code.Ldelem_I4:
                case Code.Ldelem_U4:
                case Code.Ldelem_I8:
                case Code.Ldelem_I:
                case Code.Ldelem_R4:
                case Code.Ldelem_R8:
                case Code.Ldelem_Ref:
                case Code.Ldelem_Any:
                case Code.Ldelema:
                    changed |= i >= firstHookable && HookArrayRead(instruction);
                    break;
                case Code.Stelem_I:
                case Code.Stelem_I1:
                case Code.Stelem_I2:
                case Code.Stelem_I4:
                case Code.Stelem_I8:
                case Code.Stelem_R4:
                case Code.Stelem_R8:
                case Code.Stelem_Ref:
                case Code.Stelem_Any:
                    changed |= i >= firstHookable && !initializerStores.Contains(instructions[i]) && HookArrayWrite(instruction);
                    break;
            }
        }

        if (_context.Options.InstrumentSharedMemory)
        {
            changed |= RecordLinesOfCalls();
        }

        if (_context.Options.SilentTeardown)
        {
            changed |= SilenceHandlersInTeardown();
        }

        _body.OptimizeMacros();
        return changed;
    }

    // ---- source lines ---------------------------------------------------------------------------------------------

    /// <summary>
    /// In a method with exception handlers, every call out of the module (each controlled call and hook among them) is
    /// preceded by <c>SharedMemoryHooks.AtSourceLine(file, line, lockLine)</c>: inside a catch or finally the runtime's stack
    /// trace gives a wrong line (dotnet/runtime#44986), so the trace takes the line read here from the PDB. A call at a
    /// hidden sequence point (compiler-generated code) gets the nearest line before it: for the <c>Monitor.Exit</c> the
    /// compiler writes in a <c>lock</c> statement's finally, the lock's closing brace, with the <c>lock</c>'s own line as lockLine.
    /// </summary>
    private bool RecordLinesOfCalls()
    {
        if (!_body.HasExceptionHandlers || _sequencePoints is null)
        {
            return false;
        }

        var changed = false;
        foreach (var instruction in _body.Instructions.ToArray())
        {
            if (instruction.OpCode.Code is not (Code.Call or Code.Callvirt or Code.Newobj) || instruction.Operand is not MethodReference callee ||
                IsDefinedHere(callee.DeclaringType) || IsLineHook(callee) || SourcePoint(instruction) is not { } point)
            {
                continue;
            }

            InsertBefore(instruction,
                Instruction.Create(OpCodes.Ldstr, point.Document.Url),
                Instruction.Create(OpCodes.Ldc_I4, point.StartLine),
                Instruction.Create(OpCodes.Ldc_I4, LockLineOfCompilerRelease(instruction, callee)),
                Instruction.Create(OpCodes.Call, _context.SourceLineHook));
            changed = true;
        }

        return changed;
    }

    private static bool IsLineHook(MethodReference callee) =>
        callee.DeclaringType.Name == nameof(SharedMemoryHooks) && callee.Name is nameof(SharedMemoryHooks.AtSourceLine) or nameof(SharedMemoryHooks.AtLoopBackEdge);

    /// <summary>
    /// For <c>Monitor.Exit</c> in a finally the learner did not write (no visible sequence point from the handler's start to
    /// the call: what <c>lock (x) { }</c> compiles to), the line of the <c>lock</c> (the nearest before its try); else 0.
    /// </summary>
    private int LockLineOfCompilerRelease(Instruction call, MethodReference callee)
    {
        if (callee.Name != "Exit" || callee.DeclaringType.Name is not ("Monitor" or nameof(ControlledMonitor)))
        {
            return 0;
        }

        foreach (var handler in _body.ExceptionHandlers)
        {
            if (handler.HandlerType != ExceptionHandlerType.Finally)
            {
                continue;
            }

            for (var i = handler.HandlerStart; i is not null && i != handler.HandlerEnd; i = i.Next)
            {
                if (_sequencePoints!.TryGetValue(i, out var point) && !point.IsHidden)
                {
                    break; // the learner's own finally
                }

                if (i == call)
                {
                    return SourcePoint(handler.TryStart)?.StartLine ?? 0;
                }
            }
        }

        return 0;
    }

    // ---- handlers during the explorer's teardown -------------------------------------------------------------------

    /// <summary>
    /// Each handler first calls <c>SharedMemoryHooks.InTeardown()</c> and, while the explorer unwinds a finished schedule,
    /// does nothing: <c>catch</c> → <c>pop; rethrow</c>, filter → <c>pop; ldc.i4.0; br endfilter</c>, finally/fault →
    /// <c>endfinally</c>. Runs last, when no other code will be inserted.
    /// </summary>
    private bool SilenceHandlersInTeardown()
    {
        var changed = false;
        foreach (var handler in _body.ExceptionHandlers.ToArray())
        {
            switch (handler.HandlerType)
            {
                case ExceptionHandlerType.Catch when !IsAsyncBuilderCatch(handler):
                    Guard(handler.HandlerStart, Instruction.Create(OpCodes.Pop), Instruction.Create(OpCodes.Rethrow));
                    changed = true;
                    break;
                case ExceptionHandlerType.Filter when handler.HandlerStart.Previous is { OpCode.Code: Code.Endfilter } endFilter:
                    Guard(handler.FilterStart, Instruction.Create(OpCodes.Pop), Instruction.Create(OpCodes.Ldc_I4_0), Instruction.Create(OpCodes.Br, endFilter));
                    changed = true;
                    break;
                case ExceptionHandlerType.Finally:
                case ExceptionHandlerType.Fault:
                    Guard(handler.HandlerStart, Instruction.Create(OpCodes.Endfinally));
                    changed = true;
                    break;
            }
        }

        return changed;
    }

    /// <summary>Before <paramref name="start"/>: <c>call InTeardown; brfalse start; exit...</c>.</summary>
    private void Guard(Instruction start, params Instruction[] exit)
    {
        var skip = Instruction.Create(OpCodes.Brfalse, start); // retargeted below at the re-created start
        var original = InsertBefore(start, [Instruction.Create(OpCodes.Call, _context.TeardownHook), skip, .. exit]);
        skip.Operand = original;
    }

    /// <summary>The catch an async method's state machine wraps its body in, which hands the exception to the method's task.</summary>
    private bool IsAsyncBuilderCatch(ExceptionHandler handler)
    {
        if (_method.Name != "MoveNext" || !_method.DeclaringType.Interfaces.Any(i => i.InterfaceType.Name == "IAsyncStateMachine"))
        {
            return false;
        }

        for (var i = handler.HandlerStart; i is not null && i != handler.HandlerEnd; i = i.Next)
        {
            if (i.OpCode.Code is Code.Call or Code.Callvirt && i.Operand is MethodReference { Name: "SetException" } callee &&
                callee.DeclaringType.Name.Contains("MethodBuilder", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    // ---- loops ----------------------------------------------------------------------------------------------------

    /// <summary>Jumps to an earlier instruction (the turn of a loop), found before any code is inserted.</summary>
    private static HashSet<Instruction> CollectBackEdges(Instruction[] instructions)
    {
        var index = new Dictionary<Instruction, int>(instructions.Length);
        for (var i = 0; i < instructions.Length; i++)
        {
            index[instructions[i]] = i;
        }

        var edges = new HashSet<Instruction>();
        for (var i = 0; i < instructions.Length; i++)
        {
            if (instructions[i].Operand is Instruction target && index.TryGetValue(target, out var to) && to <= i
                && instructions[i].OpCode.FlowControl is FlowControl.Branch or FlowControl.Cond_Branch)
            {
                edges.Add(instructions[i]);
            }
        }

        return edges;
    }

    /// <summary>Each turn of a learner loop records its line (see <c>SharedMemoryHooks.AtLoopBackEdge</c>).</summary>
    private bool HookBackEdge(Instruction branch)
    {
        var line = Line(branch);
        InsertBefore(branch,
            Instruction.Create(OpCodes.Ldc_I4, line),
            Instruction.Create(OpCodes.Call, _context.LoopBackEdgeHook));
        return true;
    }

    private int Line(Instruction instruction) => SourcePoint(instruction)?.StartLine ?? 0;

    /// <summary>The visible sequence point <paramref name="instruction"/> belongs to: the nearest at or before it (hidden ones are compiler-generated code).</summary>
    private SequencePoint? SourcePoint(Instruction instruction)
    {
        if (_sequencePoints is null)
        {
            return null;
        }

        for (var i = instruction; i is not null; i = i.Previous)
        {
            if (_sequencePoints.TryGetValue(i, out var point) && !point.IsHidden)
            {
                return point;
            }
        }

        return null;
    }

    // ---- calls ----------------------------------------------------------------------------------------------------

    private bool RewriteCall(Instruction instruction)
    {
        var site = (MethodReference)instruction.Operand;
        var api = Signatures.ApiName(site);
        var isNewObj = instruction.OpCode.Code == Code.Newobj;
        if (IsDefinedHere(site.DeclaringType))
        {
            return false; // a type of the assembly being rewritten, even if it is named like a framework type
        }

        if (RewriteConstrainedInterfaceCall(instruction, site))
        {
            return true;
        }

        if (_context.Map.TryGetTarget(Signatures.TypeKey(site.DeclaringType), out var target))
        {
            if (instruction.Previous is { OpCode.Code: Code.Constrained })
            {
                if (target.Methods.ContainsKey(target.KeyFor(site, isNewObj)))
                {
                    Report.Warn($"{api}: constrained call in {_method.FullName} not replaced");
                }
            }
            else if (site.Name == ".ctor" && !isNewObj)
            {
                // A base-constructor call from a subclass, or an in-place struct construction: nothing to replace it with.
            }
            else if (IsBaseCall(instruction, site))
            {
                // base.M() in an override: a replacement that dispatches virtually would call the override again.
                if (api == "System.Object::GetHashCode")
                {
                    instruction.Operand = _context.SchedulingMethod(typeof(ControlledRuntimeHelpers), nameof(ControlledRuntimeHelpers.GetHashCode), 1);
                    Report.CountReplaced(api);
                    return true;
                }
            }
            else if (target.Methods.TryGetValue(target.KeyFor(site, isNewObj), out var replacement) && IsSharedMemoryAccess(replacement) && !_context.Options.InstrumentSharedMemory)
            {
                return false; // a collection call in kata tests: not a scheduling point there, like their field accesses
            }
            else if (replacement is not null && _context.ImportReplacement(replacement, site, target.Arity) is { } reference)
            {
                instruction.OpCode = OpCodes.Call;
                instruction.Operand = reference;
                Report.CountReplaced(isNewObj ? api.Replace("::.ctor", "::.ctor (New)", StringComparison.Ordinal) : api);
                return true;
            }
        }

        CountIfUncontrolled(site, api, instruction);
        return false;
    }

    /// <summary>
    /// <c>using</c> on a struct compiles to <c>constrained. S callvirt IDisposable::Dispose()</c> on its address: when S is a
    /// modelled value type with a replacement for the member of that name, call the replacement (which takes <c>ref S</c>).
    /// </summary>
    private bool RewriteConstrainedInterfaceCall(Instruction instruction, MethodReference site)
    {
        if (instruction.Previous is not { OpCode.Code: Code.Constrained, Operand: TypeReference constrainedType } prefix ||
            !site.HasThis || site.DeclaringType.Resolve() is not { IsInterface: true } ||
            !_context.Map.TryGetTarget(Signatures.TypeKey(constrainedType), out var target) || !target.IsValueType)
        {
            return false;
        }

        var asMember = new MethodReference(site.Name, site.ReturnType, constrainedType) { HasThis = true };
        foreach (var parameter in site.Parameters)
        {
            asMember.Parameters.Add(new ParameterDefinition(parameter.ParameterType));
        }

        if (!target.Methods.TryGetValue(target.KeyFor(asMember, isNewObj: false), out var replacement) ||
            _context.ImportReplacement(replacement, asMember, target.Arity) is not { } reference)
        {
            return false;
        }

        prefix.OpCode = OpCodes.Nop;
        prefix.Operand = null;
        instruction.OpCode = OpCodes.Call;
        instruction.Operand = reference;
        Report.CountReplaced(Signatures.TypeKey(constrainedType) + "::" + site.Name);
        return true;
    }

    private bool RewriteFunctionPointer(Instruction instruction)
    {
        var site = (MethodReference)instruction.Operand;
        var api = Signatures.ApiName(site);
        if (IsDefinedHere(site.DeclaringType))
        {
            return false;
        }

        if (_context.Map.TryGetTarget(Signatures.TypeKey(site.DeclaringType), out var target))
        {
            if ((!site.HasThis || !target.IsValueType) &&
                target.Methods.TryGetValue(target.KeyFor(site, isNewObj: false), out var replacement) &&
                _context.ImportReplacement(replacement, site, target.Arity) is { } reference)
            {
                // For an instance method (sem.Release as an Action) the delegate becomes one closed over its first
                // argument, as for an extension method: the replacement takes the instance first.
                if (instruction.OpCode.Code == Code.Ldvirtftn)
                {
                    instruction.OpCode = OpCodes.Pop; // the instance ldvirtftn would dispatch on; the delegate keeps its copy
                    instruction.Operand = null;
                    _body.GetILProcessor().InsertAfter(instruction, Instruction.Create(OpCodes.Ldftn, reference));
                }
                else
                {
                    instruction.Operand = reference;
                }

                Report.CountReplaced(api);
                return true;
            }

            Report.Warn($"{api}: delegate in {_method.FullName} not replaced");
        }

        CountIfUncontrolled(site, api, instruction);
        return false;
    }

    /// <summary>A non-virtual <c>call</c> to a virtual method of a class: <c>base.M()</c>.</summary>
    private static bool IsBaseCall(Instruction instruction, MethodReference site)
    {
        if (instruction.OpCode.Code != Code.Call || !site.HasThis)
        {
            return false;
        }

        try
        {
            return site.Resolve() is { IsVirtual: true } method && !method.DeclaringType.IsValueType;
        }
        catch (AssemblyResolutionException)
        {
            return false;
        }
    }

    private static bool IsSharedMemoryAccess(MethodDefinition replacement) =>
        replacement.DeclaringType.CustomAttributes.Any(a => a.AttributeType.FullName == typeof(KataServer.Scheduling.Interception.SharedMemoryAccessAttribute).FullName);

    private static bool IsDefinedHere(TypeReference type)
    {
        while (type is TypeSpecification spec)
        {
            type = spec.ElementType;
        }

        return type is TypeDefinition;
    }

    private void CountIfUncontrolled(MethodReference site, string api, Instruction instruction)
    {
        if (_context.Options.IsUncontrolledConcurrencyApi(api) && !_context.IsDelegateType(site.DeclaringType))
        {
            if (RewriteOptions.IsAsyncPlumbing(api))
            {
                Report.CountPlumbing(api);
            }
            else
            {
                Report.CountUncontrolled(api, Location(instruction));
            }
        }
    }

    private string? Location(Instruction instruction)
    {
        if (_sequencePoints is null)
        {
            return null;
        }

        for (var i = instruction; i is not null; i = i.Previous)
        {
            if (_sequencePoints.TryGetValue(i, out var point) && !point.IsHidden)
            {
                return Path.GetFileName(point.Document.Url) + ":" + point.StartLine;
            }
        }

        return null;
    }

    // ---- fields ---------------------------------------------------------------------------------------------------

    private bool HookField(Instruction instruction, bool isStatic, bool isWrite)
    {
        var reference = (FieldReference)instruction.Operand;
        FieldDefinition? field;
        try
        {
            field = reference.Resolve();
        }
        catch (AssemblyResolutionException)
        {
            field = null;
        }

        if (field is null)
        {
            Report.Warn($"field {reference.FullName} could not be resolved; its accesses are not hooked");
            return false;
        }

        if (!ShouldHook(field, isWrite))
        {
            return false;
        }

        if (instruction.OpCode.Code is Code.Ldfld or Code.Ldsfld && IsImmutableOnceShared(field))
        {
            Report.ImmutableFieldReadsSkipped++;
            return false; // only written while not yet shared (constructor, closure creation): reads cannot race
        }

        if (IsInitializationOf(instruction, field) && IsImmutableOnceShared(field))
        {
            return false; // the constructor's own initialization of a field that then never changes
        }

        var name = DisplayName(field.DeclaringType) + "." + field.Name;
        var hook = isWrite ? _context.FieldWriteHook : _context.FieldReadHook;
        var ownerIsObject = !isStatic && !field.DeclaringType.IsValueType;
        var isAddress = instruction.OpCode.Code is Code.Ldflda or Code.Ldsflda;
        var writeThrough = isAddress ? FindWriteThroughAddress(instruction) : null;
        if (!ownerIsObject)
        {
            InsertBefore(instruction, Instruction.Create(OpCodes.Ldnull), Instruction.Create(OpCodes.Ldstr, name), Instruction.Create(OpCodes.Call, hook));
            if (writeThrough is not null)
            {
                InsertBefore(writeThrough, Instruction.Create(OpCodes.Ldnull), Instruction.Create(OpCodes.Ldstr, name),
                    Instruction.Create(OpCodes.Call, _context.FieldWriteHook));
            }
        }
        else if (writeThrough is not null)
        {
            // ldflda whose address is written through later in the same expression (compound assignment through a ref):
            // keep the owner for the write hook.
            var owner = NewLocal(Module.TypeSystem.Object);
            InsertBefore(instruction,
                Instruction.Create(OpCodes.Dup),
                Instruction.Create(OpCodes.Dup),
                Instruction.Create(OpCodes.Stloc, owner),
                Instruction.Create(OpCodes.Ldstr, name),
                Instruction.Create(OpCodes.Call, hook));
            InsertBefore(writeThrough, Instruction.Create(OpCodes.Ldloc, owner), Instruction.Create(OpCodes.Ldstr, name),
                Instruction.Create(OpCodes.Call, _context.FieldWriteHook));
        }
        else if (!isWrite)
        {
            InsertBefore(instruction, Instruction.Create(OpCodes.Dup), Instruction.Create(OpCodes.Ldstr, name), Instruction.Create(OpCodes.Call, hook));
        }
        else
        {
            var value = Temp(FieldTypeAtSite(reference));
            InsertBefore(instruction,
                Instruction.Create(OpCodes.Stloc, value),
                Instruction.Create(OpCodes.Dup),
                Instruction.Create(OpCodes.Ldstr, name),
                Instruction.Create(OpCodes.Call, hook),
                Instruction.Create(OpCodes.Ldloc, value));
        }

        if (isWrite || writeThrough is not null)
        {
            Report.FieldWriteHooks++;
        }

        if (!isWrite)
        {
            Report.FieldReadHooks++;
        }

        return true;
    }

    private bool ShouldHook(FieldDefinition field, bool isWrite)
    {
        var declaring = field.DeclaringType;
        if (field.IsLiteral || declaring.Name.StartsWith("<PrivateImplementationDetails>", StringComparison.Ordinal))
        {
            return false;
        }

        if (field.IsInitOnly && (field.IsStatic || isWrite || !_context.Options.InstrumentReadonlyFieldReads))
        {
            return false;
        }

        // Compiler plumbing that is never shared: async/iterator state machines (per invocation), the cached
        // static-lambda singletons and delegate caches (`<>c`, and `<>O` for method groups: filled on first use, so
        // hooking them would give the first schedule more steps than the next and make the explorer nondeterministic),
        // the captured `this` of closures (written once at creation).
        if (IsStateMachine(declaring) || declaring.Name is "<>c" or "<>O" || field.Name.StartsWith("<>9", StringComparison.Ordinal) ||
            field.Name == "<>4__this")
        {
            return false;
        }

        // [ThreadStatic] fields are per thread.
        if (field.IsStatic && field.CustomAttributes.Any(a => a.AttributeType.Name == "ThreadStaticAttribute"))
        {
            return false;
        }

        // Fields of framework value types (ValueTuple.Item1, ...) are copies on the stack or in locals.
        if (declaring.IsValueType && declaring.Module != Module)
        {
            return false;
        }

        return true;
    }

    private static bool IsStateMachine(TypeDefinition type)
    {
        if (!type.Name.StartsWith('<'))
        {
            return false;
        }

        foreach (var implemented in type.Interfaces)
        {
            if (implemented.InterfaceType.Name is "IAsyncStateMachine")
            {
                return true;
            }
        }

        return type.Fields.Any(f => f.Name == "<>1__state");
    }

    private static string DisplayName(TypeDefinition type) =>
        type.DeclaringType is { } outer ? DisplayName(outer) + "+" + type.Name : type.Name;

    /// <summary>The type of the value a <c>stfld</c> of <paramref name="field"/> consumes, in the method's generic context.</summary>
    private static TypeReference FieldTypeAtSite(FieldReference field)
    {
        var type = field.FieldType;
        return field.DeclaringType is GenericInstanceType declaring ? Inflate(type, declaring) : StripModifiers(type);
    }

    private static TypeReference Inflate(TypeReference type, GenericInstanceType declaring)
    {
        switch (type)
        {
            case GenericParameter { Type: GenericParameterType.Type } parameter when parameter.Position < declaring.GenericArguments.Count:
                return declaring.GenericArguments[parameter.Position];
            case RequiredModifierType modified:
                return Inflate(modified.ElementType, declaring);
            case OptionalModifierType modified:
                return Inflate(modified.ElementType, declaring);
            case ArrayType array:
                return new ArrayType(Inflate(array.ElementType, declaring), array.Rank);
            case ByReferenceType byRef:
                return new ByReferenceType(Inflate(byRef.ElementType, declaring));
            case PointerType pointer:
                return new PointerType(Inflate(pointer.ElementType, declaring));
            case GenericInstanceType instance:
                var result = new GenericInstanceType(instance.ElementType);
                foreach (var argument in instance.GenericArguments)
                {
                    result.GenericArguments.Add(Inflate(argument, declaring));
                }

                return result;
            default:
                return type;
        }
    }

    private static TypeReference StripModifiers(TypeReference type) => type switch
    {
        RequiredModifierType modified => StripModifiers(modified.ElementType),
        OptionalModifierType modified => StripModifiers(modified.ElementType),
        _ => type,
    };

    // ---- arrays ---------------------------------------------------------------------------------------------------

    private bool HookArrayRead(Instruction instruction)
    {
        var name = ArrayName(instruction, above: 1);
        var writeThrough = instruction.OpCode.Code == Code.Ldelema ? FindWriteThroughAddress(instruction) : null;
        if (writeThrough is null)
        {
            var index = Temp(Module.TypeSystem.IntPtr);
            InsertBefore(instruction,
                Instruction.Create(OpCodes.Stloc, index),
                Instruction.Create(OpCodes.Dup),
                Instruction.Create(OpCodes.Ldloc, index),
                Instruction.Create(OpCodes.Conv_I4),
                NameOf(name),
                Instruction.Create(OpCodes.Call, _context.ArrayReadHook),
                Instruction.Create(OpCodes.Ldloc, index));
        }
        else
        {
            // a[i]++ / a[i] += x: the element's address is read through and then written through; hook both.
            var index = NewLocal(Module.TypeSystem.IntPtr);
            var array = NewLocal(_context.ArrayType);
            InsertBefore(instruction,
                Instruction.Create(OpCodes.Stloc, index),
                Instruction.Create(OpCodes.Dup),
                Instruction.Create(OpCodes.Dup),
                Instruction.Create(OpCodes.Stloc, array),
                Instruction.Create(OpCodes.Ldloc, index),
                Instruction.Create(OpCodes.Conv_I4),
                NameOf(name),
                Instruction.Create(OpCodes.Call, _context.ArrayReadHook),
                Instruction.Create(OpCodes.Ldloc, index));
            InsertBefore(writeThrough,
                Instruction.Create(OpCodes.Ldloc, array),
                Instruction.Create(OpCodes.Ldloc, index),
                Instruction.Create(OpCodes.Conv_I4),
                NameOf(name),
                Instruction.Create(OpCodes.Call, _context.ArrayWriteHook));
            Report.ArrayWriteHooks++;
        }

        Report.ArrayReadHooks++;
        return true;
    }

    private bool HookArrayWrite(Instruction instruction)
    {
        var types = Module.TypeSystem;
        TypeReference valueType = instruction.OpCode.Code switch
        {
            Code.Stelem_I1 or Code.Stelem_I2 or Code.Stelem_I4 => types.Int32,
            Code.Stelem_I8 => types.Int64,
            Code.Stelem_R4 => types.Single,
            Code.Stelem_R8 => types.Double,
            Code.Stelem_I => types.IntPtr,
            Code.Stelem_Ref => types.Object,
            _ => (TypeReference)instruction.Operand,
        };
        var name = ArrayName(instruction, above: 2);
        var value = Temp(valueType);
        var index = Temp(types.IntPtr);
        InsertBefore(instruction,
            Instruction.Create(OpCodes.Stloc, value),
            Instruction.Create(OpCodes.Stloc, index),
            Instruction.Create(OpCodes.Dup),
            Instruction.Create(OpCodes.Ldloc, index),
            Instruction.Create(OpCodes.Conv_I4),
            NameOf(name),
            Instruction.Create(OpCodes.Call, _context.ArrayWriteHook),
            Instruction.Create(OpCodes.Ldloc, index),
            Instruction.Create(OpCodes.Ldloc, value));
        Report.ArrayWriteHooks++;
        return true;
    }

    private static Instruction NameOf(string? name) => name is null ? Instruction.Create(OpCodes.Ldnull) : Instruction.Create(OpCodes.Ldstr, name);

    /// <summary>
    /// What the array of an element access was loaded from, for the trace ("Bank._balances", a local's or parameter's name),
    /// found by walking back over the straight-line code that pushed the <paramref name="above"/> operands above it (the
    /// index, the value); null when not sure (then the trace names the element type).
    /// </summary>
    private string? ArrayName(Instruction access, int above)
    {
        var steps = 0;
        for (var instruction = access.Previous; instruction is not null && steps < 32; instruction = instruction.Previous, steps++)
        {
            if (instruction.OpCode.OpCodeType == OpCodeType.Prefix)
            {
                continue;
            }

            if (instruction.OpCode.FlowControl is FlowControl.Branch or FlowControl.Cond_Branch or FlowControl.Return or FlowControl.Throw)
            {
                return null;
            }

            if (instruction.OpCode.Code == Code.Dup && above <= 1)
            {
                above = 0; // either copy is the value below it
            }
            else
            {
                if (!StackEffect(instruction, out var pop, out var push))
                {
                    return null;
                }

                if (push > above)
                {
                    return push == 1 ? NameOfSource(instruction) : null;
                }

                above += pop - push;
            }

            if (_boundaries.Contains(instruction))
            {
                return null; // control may arrive here from elsewhere
            }
        }

        return null;
    }

    private string? NameOfSource(Instruction producer)
    {
        switch (producer.OpCode.Code)
        {
            case Code.Ldfld or Code.Ldsfld when producer.Operand is FieldReference field:
                var declaring = field.DeclaringType.Resolve();
                var fieldName = SourceName(field.Name);
                // A captured or hoisted local (closure, async or iterator state machine) is a local in the learner's source.
                return declaring is null || IsDisplayClass(declaring) || IsStateMachine(declaring) || declaring.IsNested && declaring.Name.StartsWith('<')
                    ? fieldName
                    : DisplayName(declaring) + "." + fieldName;
            case Code.Ldloc when producer.Operand is VariableDefinition local:
                return _method.DebugInformation.TryGetName(local, out var localName) && !string.IsNullOrEmpty(localName) ? localName : null;
            case Code.Ldarg when producer.Operand is ParameterDefinition parameter:
                return string.IsNullOrEmpty(parameter.Name) ? null : parameter.Name;
            case Code.Call or Code.Callvirt when producer.Operand is MethodReference { Name: var getter } && getter.StartsWith("get_", StringComparison.Ordinal):
                return getter[4..];
            default:
                return null;
        }
    }

    /// <summary>"&lt;items&gt;5__2" (a local hoisted into a state machine) is "items".</summary>
    private static string SourceName(string name) =>
        name.StartsWith('<') && name.IndexOf('>') is > 1 and var end ? name[1..end] : name;

    // ---- writes through addresses ---------------------------------------------------------------------------------

    private HashSet<Instruction> CollectBoundaries()
    {
        var set = new HashSet<Instruction>();
        foreach (var instruction in _body.Instructions)
        {
            switch (instruction.Operand)
            {
                case Instruction target:
                    set.Add(target);
                    break;
                case Instruction[] targets:
                    set.UnionWith(targets);
                    break;
            }
        }

        foreach (var handler in _body.ExceptionHandlers)
        {
            foreach (var boundary in new[] { handler.TryStart, handler.TryEnd, handler.HandlerStart, handler.HandlerEnd, handler.FilterStart })
            {
                if (boundary is not null)
                {
                    set.Add(boundary);
                }
            }
        }

        return set;
    }

    /// <summary>
    /// For an address-producing instruction (<c>ldelema</c>, <c>ldflda</c>, <c>ldsflda</c>), the instruction in the same
    /// straight-line code that consumes the address to store through it (<c>stind.*</c>, <c>stobj</c>, <c>initobj</c>,
    /// <c>cpobj</c>, an in-place struct constructor call), following one <c>dup</c> of the address as compound
    /// assignments do (<c>ldelema; dup; ldind.i4; ...; stind.i4</c>). Null when not found or not sure.
    /// </summary>
    private Instruction? FindWriteThroughAddress(Instruction address)
    {
        var consumer = FindConsumer(address, followDup: true, followFieldAddress: true);
        return consumer is not null && WritesThroughFirstOperand(consumer) ? consumer : null;
    }

    /// <summary>
    /// The instruction, in the same straight-line code, that pops the value <paramref name="producer"/> pushes as its
    /// deepest operand (the address of <c>stind</c>, the array of <c>stelem</c>, the object of <c>stfld</c>). With
    /// <paramref name="followDup"/>, a <c>dup</c> right on top of the value is looked through (the original, below the copy,
    /// is followed); with <paramref name="followFieldAddress"/>, so is <c>ldflda</c> (an address inside the same storage).
    /// Null when the value is consumed otherwise, or control flow or an unknown stack effect comes first.
    /// </summary>
    private Instruction? FindConsumer(Instruction producer, bool followDup, bool followFieldAddress)
    {
        var above = 0;
        var steps = 0;
        for (var instruction = producer.Next; instruction is not null && steps < 64; instruction = instruction.Next, steps++)
        {
            if (_boundaries.Contains(instruction))
            {
                return null;
            }

            if (instruction.OpCode.OpCodeType == OpCodeType.Prefix)
            {
                continue;
            }

            if (followDup && instruction.OpCode.Code == Code.Dup && above == 0)
            {
                above = 1; // follow the original, below its copy
                followDup = false;
                continue;
            }

            if (!StackEffect(instruction, out var pop, out var push))
            {
                return null;
            }

            if (pop > above)
            {
                if (followFieldAddress && above == 0 && instruction.OpCode.Code == Code.Ldflda)
                {
                    continue; // a.b.c: the address of a field inside the same storage; follow it
                }

                return pop == above + 1 ? instruction : null;
            }

            above += push - pop;
            if (instruction.OpCode.FlowControl is FlowControl.Branch or FlowControl.Cond_Branch or FlowControl.Return or FlowControl.Throw)
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>
    /// Stores into an object that is not published yet: element stores of array initializers
    /// (<c>newarr; dup; ldc k; value; stelem; dup; ...</c>, also behind params arrays and string concatenation) and field
    /// stores of object initializers and closure creation (<c>newobj; dup; value; stfld; dup; ...</c>). Not shared-memory
    /// accesses (unless the constructor published <c>this</c>, which katas do not do).
    /// </summary>
    private HashSet<Instruction> CollectInitializerStores(Instruction[] instructions)
    {
        var set = new HashSet<Instruction>();
        foreach (var instruction in instructions)
        {
            if (instruction.OpCode.Code == Code.Newobj && instruction.Next is { OpCode.Code: Code.Stloc, Operand: VariableDefinition local } stloc &&
                IsDisplayClass(((MethodReference)instruction.Operand).DeclaringType))
            {
                CollectClosureInitialization(stloc, local, set);
                continue;
            }

            Func<Instruction, bool> isStore;
            if (instruction.OpCode.Code == Code.Newarr)
            {
                isStore = IsArrayStore;
            }
            else if (instruction.OpCode.Code == Code.Newobj)
            {
                isStore = static i => i.OpCode.Code == Code.Stfld;
            }
            else
            {
                continue;
            }

            var current = instruction;
            while (current.Next is { OpCode.Code: Code.Dup } dup && !_boundaries.Contains(dup) &&
                   FindConsumer(dup, followDup: false, followFieldAddress: false) is { } store && isStore(store))
            {
                set.Add(store);
                current = store;
            }
        }

        return set;
    }

    /// <summary>
    /// Unoptimized code keeps a closure in a local (<c>newobj &lt;&gt;c__DisplayClass; stloc c; ldloc c; value; stfld x; ...</c>):
    /// captured-variable stores before anything else uses the local (a delegate creation, a call) happen before the
    /// closure can be seen by another thread.
    /// </summary>
    private void CollectClosureInitialization(Instruction stloc, VariableDefinition local, HashSet<Instruction> set)
    {
        var steps = 0;
        for (var instruction = stloc.Next; instruction is not null && steps < 256; instruction = instruction.Next, steps++)
        {
            if (_boundaries.Contains(instruction) ||
                instruction.OpCode.FlowControl is FlowControl.Branch or FlowControl.Cond_Branch or FlowControl.Return or FlowControl.Throw)
            {
                return;
            }

            if (instruction.Operand != local)
            {
                continue;
            }

            if (instruction.OpCode.Code != Code.Ldloc)
            {
                return; // stloc, ldloca: the local changes or escapes
            }

            switch (FindConsumer(instruction, followDup: false, followFieldAddress: false))
            {
                case { OpCode.Code: Code.Stfld } store:
                    set.Add(store);
                    break;
                case { OpCode.Code: Code.Ldfld }:
                    break;
                default:
                    return; // published (delegate creation, call, stored elsewhere) or not sure
            }
        }
    }

    private static bool IsDisplayClass(TypeReference type) =>
        type.Name.StartsWith("<>c__DisplayClass", StringComparison.Ordinal) && type.DeclaringType is not null;

    private static bool IsArrayStore(Instruction instruction) => instruction.OpCode.Code is Code.Stelem_I or Code.Stelem_I1 or Code.Stelem_I2 or
        Code.Stelem_I4 or Code.Stelem_I8 or Code.Stelem_R4 or Code.Stelem_R8 or Code.Stelem_Ref or Code.Stelem_Any;

    private static bool WritesThroughFirstOperand(Instruction instruction) => instruction.OpCode.Code switch
    {
        Code.Stind_I or Code.Stind_I1 or Code.Stind_I2 or Code.Stind_I4 or Code.Stind_I8 or Code.Stind_R4 or Code.Stind_R8 or Code.Stind_Ref => true,
        Code.Stobj or Code.Initobj or Code.Cpobj or Code.Stfld => true,
        Code.Call => instruction.Operand is MethodReference { Name: ".ctor", HasThis: true },
        _ => false,
    };

    private static bool StackEffect(Instruction instruction, out int pop, out int push)
    {
        pop = 0;
        push = 0;
        var opcode = instruction.OpCode;
        if (opcode.StackBehaviourPop == StackBehaviour.Varpop || opcode.StackBehaviourPush == StackBehaviour.Varpush)
        {
            if (opcode.Code is not (Code.Call or Code.Callvirt or Code.Newobj) || instruction.Operand is not MethodReference method)
            {
                return false;
            }

            pop = method.Parameters.Count + (method.HasThis && opcode.Code != Code.Newobj ? 1 : 0);
            push = opcode.Code == Code.Newobj || method.ReturnType.MetadataType != MetadataType.Void ? 1 : 0;
            return true;
        }

        switch (opcode.StackBehaviourPop)
        {
            case StackBehaviour.Pop0:
                break;
            case StackBehaviour.Pop1:
            case StackBehaviour.Popi:
            case StackBehaviour.Popref:
                pop = 1;
                break;
            case StackBehaviour.Pop1_pop1:
            case StackBehaviour.Popi_pop1:
            case StackBehaviour.Popi_popi:
            case StackBehaviour.Popi_popi8:
            case StackBehaviour.Popi_popr4:
            case StackBehaviour.Popi_popr8:
            case StackBehaviour.Popref_pop1:
            case StackBehaviour.Popref_popi:
                pop = 2;
                break;
            case StackBehaviour.Popi_popi_popi:
            case StackBehaviour.Popref_popi_popi:
            case StackBehaviour.Popref_popi_popi8:
            case StackBehaviour.Popref_popi_popr4:
            case StackBehaviour.Popref_popi_popr8:
            case StackBehaviour.Popref_popi_popref:
                pop = 3;
                break;
            default:
                return false;
        }

        switch (opcode.StackBehaviourPush)
        {
            case StackBehaviour.Push0:
                break;
            case StackBehaviour.Push1:
            case StackBehaviour.Pushi:
            case StackBehaviour.Pushi8:
            case StackBehaviour.Pushr4:
            case StackBehaviour.Pushr8:
            case StackBehaviour.Pushref:
                push = 1;
                break;
            case StackBehaviour.Push1_push1:
                push = 2;
                break;
            default:
                return false;
        }

        return true;
    }

    // ---- plumbing -------------------------------------------------------------------------------------------------

    /// <summary>
    /// In an instance constructor of a class, field initializers run before the base (or this) constructor call, on an
    /// uninitialized <c>this</c> that must not escape to a hook. Hooks start after that call.
    /// </summary>
    private int FirstInstructionAfterChainedConstructorCall(Instruction[] instructions)
    {
        if (!_method.IsConstructor || _method.IsStatic || _method.DeclaringType.IsValueType)
        {
            return 0;
        }

        var self = Signatures.TypeKey(_method.DeclaringType);
        var baseKey = _method.DeclaringType.BaseType is { } b ? Signatures.TypeKey(b) : null;
        for (var i = 0; i < instructions.Length; i++)
        {
            if (instructions[i].OpCode.Code == Code.Call && instructions[i].Operand is MethodReference { Name: ".ctor", HasThis: true } callee)
            {
                var key = Signatures.TypeKey(callee.DeclaringType);
                if (key == self || key == baseKey)
                {
                    return i + 1;
                }
            }
        }

        return 0;
    }

    private VariableDefinition NewLocal(TypeReference type)
    {
        var variable = new VariableDefinition(type);
        _body.Variables.Add(variable);
        return variable;
    }

    private VariableDefinition Temp(TypeReference type)
    {
        var key = Signatures.Type(type);
        if (!_temps.TryGetValue(key, out var variable))
        {
            variable = new VariableDefinition(StripModifiers(type));
            _body.Variables.Add(variable);
            _temps.Add(key, variable);
        }

        return variable;
    }

    /// <summary>Inserts <paramref name="code"/> so that it runs right before <paramref name="target"/> (and its prefixes).</summary>
    /// <returns>the original instruction, re-created after the inserted code</returns>
    private Instruction InsertBefore(Instruction target, params Instruction[] code)
    {
        var anchor = target;
        while (anchor.Previous is { OpCode.OpCodeType: OpCodeType.Prefix } prefix)
        {
            anchor = prefix;
        }

        var original = Instruction.Create(OpCodes.Nop);
        original.OpCode = anchor.OpCode;
        original.Operand = anchor.Operand;
        anchor.OpCode = code[0].OpCode;
        anchor.Operand = code[0].Operand;

        var il = _body.GetILProcessor();
        var cursor = anchor;
        for (var i = 1; i < code.Length; i++)
        {
            il.InsertAfter(cursor, code[i]);
            cursor = code[i];
        }

        il.InsertAfter(cursor, original);
        _moved[anchor] = original;
        return original;
    }
}
