// The server-side API of the product as the routes see it. Remix keeps
// `*.server.ts` modules out of the browser bundle, so routes import server
// code only through here (pure rules such as sla/policy.ts they may import directly).
export { db } from "../server/db/client.ts";
export { setAvailability } from "../server/auth/accounts.ts";
export {
  createUserSession,
  destroyUserSession,
  getUser,
  homeFor,
  requirePermission,
  requireUser,
  sessionCookie,
  startSession,
} from "../server/auth/session.ts";
export { can } from "../server/auth/policy.ts";
export { changePassword, ChangePasswordFormSchema, signIn } from "../server/auth/accounts.ts";
export {
  ChooseNewPasswordSchema,
  confirmAddress,
  openAccountLink,
  requestPasswordReset,
  resetPassword,
  sendConfirmationLink,
  signUpCustomer,
} from "../server/auth/recovery.ts";
export { parseInput } from "../server/validation.ts";
export { DomainError } from "../server/errors.ts";
export {
  addMessage,
  countViews,
  createTicket,
  getTicket,
  listAssignableAgents,
  popularTags,
  listTickets,
  updateTicket,
  StaleReplyError,
  StaleTicketError,
} from "../server/tickets/service.ts";
export { messageHtml, toQueueTicket } from "../server/tickets/present.ts";
export { renderMessageHtml } from "../server/text/markdown.ts";
export { searchTickets } from "../search/tickets.ts";
export { mergeTicket } from "../server/tickets/merge.ts";
export { bulkChange } from "../server/tickets/bulk.ts";
export { applyMacro, createMacro, deleteMacro, getMacro, listMacros, previewMacro, updateMacro } from "../server/macros/service.ts";
export { createView, deleteView, getView, listViews, resolveFor, updateView, fieldChoices } from "../server/views/service.ts";
export { answerSurvey, getSurveyByToken } from "../server/surveys/service.ts";
export { openAttachment } from "../server/attachments/service.ts";
export { attachmentHeaders } from "../server/attachments/http.ts";
export { getCustomerOverview } from "../server/customers/service.ts";
export { csatBoard, healthBoard, slaBoard, slaCompliance } from "../server/boards/service.ts";
export {
  createCalendar,
  createPolicy,
  deleteCalendar,
  deletePolicy,
  getCalendar,
  getPolicy,
  listCalendars,
  listPolicies,
  previewDueTime,
  reorderPolicies,
  slaEditorOptions,
  updateCalendar,
  updatePolicy,
} from "../server/sla/service.ts";
export { latestRecompute } from "../server/sla/recompute.ts";
export { ALWAYS_OPEN_CALENDAR_ID } from "../server/sla/stored.ts";
export { getPreferences, listNotifications, liveNotification, markRead, setPreferences, unreadCount, NOTIFICATION_KINDS } from "../server/notifications/service.ts";
export { getArticle, listArticles } from "../server/kb/articles.ts";
export { searchArticles, type SearchHit } from "../search/articles.ts";
export { createField, deleteField, formFields, getField, listFields, moveField, updateField } from "../server/fields/service.ts";
export { createRule, deleteRule, getRule, listRules, moveRule, ruleChoices, updateRule } from "../server/rules/service.ts";
export { createAutomation, deleteAutomation, getAutomation, listAutomations, moveAutomation, updateAutomation } from "../server/automations/service.ts";
export { createApiToken, listAllApiTokens, listApiTokens, revokeAnyApiToken, revokeApiToken, MAX_TOKEN_DAYS } from "../server/auth/api-tokens.ts";
export { auditPeople, exportAuditCsv, listAuditEntries } from "../server/audit/service.ts";
export { AUDIT_ACTIONS } from "../server/audit/log.ts";
export { slaComplianceCsv } from "../server/boards/compliance-csv.ts";
export { csvHeaders } from "../server/csv.ts";
export {
  acceptInvitation,
  deactivateUser,
  getAccount,
  inviteUser,
  listUsers,
  openInvitation,
  reactivateUser,
  renewInvitation,
  updateAccount,
} from "../server/admin/users.ts";
export { createRole, deleteRole, getRole, listRoles, permissionCatalog, updateRole } from "../server/admin/roles.ts";
export {
  createCategory,
  createTeam,
  deleteCategory,
  deleteTeam,
  getTeam,
  listCategories,
  listTeams,
  updateCategory,
  updateTeam,
} from "../server/admin/teams.ts";
export { currentSettings, DEFAULT_SETTINGS, getSettings, updateSettings } from "../server/admin/settings.ts";
export { hashPassword } from "../server/auth/password.ts";
export { loadAuthUser } from "../server/auth/users.ts";
// Mail received (server/mail/inbound/) and the addresses it arrives at (server/mail/channels.ts).
export { getInboundMail, INBOUND_RAW_DAYS, inboundRaw, INBOUND_STATUSES, listInboundMail, retryInboundMail } from "../server/mail/inbound/admin.ts";
export {
  createMailChannel,
  deleteMailChannel,
  getMailDefaults,
  listMailChannels,
  mailChannelChoices,
  updateMailChannel,
  updateMailDefaults,
} from "../server/mail/channels.ts";
// Mail sent (server/mail/outbound-admin.ts).
export { getOutboundMail, listOutboundMail, outboundEml, OUTBOUND_KINDS, OUTBOUND_STATUSES } from "../server/mail/outbound-admin.ts";
export { mailSettings } from "../server/mail/settings.ts";
