using Mono.Cecil;
using Mono.Cecil.Cil;

namespace KataServer.Rewriting;

/// <summary>A type as its own members refer to it: instantiated over its own generic parameters when it is generic.</summary>
internal static class SelfType
{
    public static TypeReference Of(TypeDefinition type)
    {
        if (!type.HasGenericParameters)
        {
            return type;
        }

        var instance = new GenericInstanceType(type);
        foreach (var parameter in type.GenericParameters)
        {
            instance.GenericArguments.Add(parameter);
        }

        return instance;
    }

    /// <summary><c>typeof(Self)</c>: <c>ldtoken</c> + <c>Type.GetTypeFromHandle</c>.</summary>
    public static Instruction[] LoadTypeOf(TypeDefinition type, ModuleDefinition module)
    {
        var corelib = module.TypeSystem.CoreLibrary;
        var typeType = new TypeReference("System", "Type", module, corelib);
        var handleType = new TypeReference("System", "RuntimeTypeHandle", module, corelib) { IsValueType = true };
        var fromHandle = new MethodReference("GetTypeFromHandle", typeType, typeType) { HasThis = false };
        fromHandle.Parameters.Add(new ParameterDefinition(handleType));
        return [Instruction.Create(OpCodes.Ldtoken, Of(type)), Instruction.Create(OpCodes.Call, fromHandle)];
    }

    /// <summary><paramref name="field"/> as its declaring type's own members refer to it.</summary>
    public static FieldReference Field(FieldDefinition field) =>
        field.DeclaringType.HasGenericParameters ? new FieldReference(field.Name, field.FieldType, Of(field.DeclaringType)) : field;

    /// <summary>A static, parameterless <paramref name="method"/> as its declaring type's own members refer to it.</summary>
    public static MethodReference StaticMethod(MethodDefinition method) =>
        method.DeclaringType.HasGenericParameters ? new MethodReference(method.Name, method.ReturnType, Of(method.DeclaringType)) { HasThis = false } : method;
}
