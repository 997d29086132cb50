// House lint rules for fremdrift's contract, loaded by redocly.yaml. Redocly's
// configurable rules cannot say "if a schema is an object, it must be closed", nor
// compare two fields of one operation, so these two are written out here.

const ROLES = ['citizen', 'caseworker', 'team_lead', 'integration', 'appeals_board', 'auditor'];

function isObjectSchema(schema) {
    const type = schema.type;
    return type === 'object' || (Array.isArray(type) && type.includes('object')) ||
        schema.properties !== undefined || schema.patternProperties !== undefined ||
        schema.required !== undefined || schema.minProperties !== undefined;
}

// Every object schema says additionalProperties: false, so an undocumented field in a
// response fails the contract check (scripts/contract.sh) instead of passing silently.
function closedObjects() {
    return {
        Schema: {
            enter(schema, ctx) {
                if (!isObjectSchema(schema) || schema.additionalProperties === false)
                    return;
                ctx.report({
                    message: 'An object schema must say `additionalProperties: false`.',
                    location: schema.additionalProperties === undefined
                        ? ctx.location.key()
                        : ctx.location.child(['additionalProperties']),
                });
            },
        },
    };
}

// Every operation lists the roles it admits in x-roles, names them in its description,
// and is public (security: []) exactly when the list is empty.
function operationRoles() {
    return {
        Operation: {
            enter(op, ctx) {
                const roles = op['x-roles'];
                if (!Array.isArray(roles)) {
                    ctx.report({ message: 'An operation must list its roles in `x-roles`.', location: ctx.location.key() });
                    return;
                }
                const where = ctx.location.child(['x-roles']);
                for (const role of roles) {
                    if (!ROLES.includes(role))
                        ctx.report({ message: `Unknown role \`${role}\` (known: ${ROLES.join(', ')}).`, location: where });
                }
                if (new Set(roles).size !== roles.length)
                    ctx.report({ message: '`x-roles` lists a role twice.', location: where });
                const isPublic = Array.isArray(op.security) && op.security.length === 0;
                if (isPublic !== (roles.length === 0))
                    ctx.report({
                        message: 'An operation is public (`security: []`) exactly when `x-roles` is empty.',
                        location: where,
                    });
                const text = op.description || '';
                if (!/^Roles: /m.test(text))
                    ctx.report({ message: 'The description must have a line starting `Roles: `.', location: ctx.location.child(['description']) });
                for (const role of roles) {
                    if (!text.includes(`\`${role}\``))
                        ctx.report({ message: `The description does not name the role \`${role}\`.`, location: ctx.location.child(['description']) });
                }
            },
        },
    };
}

export default function fremdriftRules() {
    return {
        id: 'fremdrift',
        rules: {
            oas3: {
                'closed-objects': closedObjects,
                'operation-roles': operationRoles,
            },
        },
    };
}
