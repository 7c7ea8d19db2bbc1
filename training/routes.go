package training

import (
	"github.com/gin-gonic/gin"
	"github.com/incrocicomuni/incroci/internal/httpx"
)

// routes is the module's one route table, relative to its mount point.
// Add a route as one line, and document it in openapi.json.
func (t *Training) routes() []httpx.Route {
	signedIn := t.p.RequireAuth()
	anyone := func(c *gin.Context) {}
	return []httpx.Route{
		{Method: "GET", Path: "/topics", Access: anyone, Handler: t.handleTopics},

		// Courses, editions, enrolment.
		{Method: "GET", Path: "/courses", Access: signedIn, Handler: t.handleCourses},
		{Method: "POST", Path: "/courses", Access: signedIn, Handler: t.handleSaveCourse},
		{Method: "GET", Path: "/courses/:id", Access: signedIn, Handler: t.handleCourse},
		{Method: "PUT", Path: "/courses/:id", Access: signedIn, Handler: t.handleSaveCourse},
		{Method: "POST", Path: "/courses/:id/editions", Access: signedIn, Handler: t.handleCreateEdition},
		{Method: "GET", Path: "/courses/:id/files", Access: signedIn, Handler: t.handleFiles},
		{Method: "POST", Path: "/courses/:id/files", Access: signedIn, Handler: t.handleAddFile},
		{Method: "GET", Path: "/courses/:id/files/:fid", Access: signedIn, Handler: t.handleDownloadFile},
		{Method: "DELETE", Path: "/courses/:id/files/:fid", Access: signedIn, Handler: t.handleRemoveFile},
		{Method: "GET", Path: "/editions/:id", Access: signedIn, Handler: t.handleEdition},
		{Method: "PUT", Path: "/editions/:id", Access: signedIn, Handler: t.handleUpdateEdition},
		{Method: "POST", Path: "/editions/:id/cancel", Access: signedIn, Handler: t.handleCancelEdition},
		{Method: "POST", Path: "/editions/:id/enrol", Access: signedIn, Handler: t.handleEnrol},
		{Method: "GET", Path: "/editions/:id/enrolments", Access: signedIn, Handler: t.handleEnrolments},
		{Method: "POST", Path: "/enrolments/:id/cancel", Access: signedIn, Handler: t.handleStep(t.Cancel)},
		{Method: "POST", Path: "/enrolments/:id/accept", Access: signedIn, Handler: t.handleStep(t.Accept)},
		{Method: "POST", Path: "/enrolments/:id/decline", Access: signedIn, Handler: t.handleStep(t.Decline)},
		{Method: "POST", Path: "/enrolments/:id/approve", Access: signedIn, Handler: t.handleStep(t.Approve)},
		{Method: "POST", Path: "/enrolments/:id/reject", Access: signedIn, Handler: t.handleStep(t.Reject)},
		{Method: "GET", Path: "/me/enrolments", Access: signedIn, Handler: t.handleMine},
		{Method: "GET", Path: "/me/calendar", Access: signedIn, Handler: t.handleCalendarLink},
		{Method: "POST", Path: "/me/calendar/reset", Access: signedIn, Handler: t.handleResetCalendarLink},
		{Method: "GET", Path: "/me/export", Access: signedIn, Handler: t.handleExport},
		{Method: "GET", Path: "/me/calendar.ics", Access: anyone, Handler: t.handleCalendar},

		// Surveys and needs (surveys_http.go).
		{Method: "GET", Path: "/surveys", Access: signedIn, Handler: t.handleListSurveys},
		{Method: "POST", Path: "/surveys", Access: signedIn, Handler: t.handleCreateSurvey},
		{Method: "GET", Path: "/surveys/:id", Access: signedIn, Handler: t.handleGetSurvey},
		{Method: "PUT", Path: "/surveys/:id", Access: signedIn, Handler: t.handleUpdateSurvey},
		{Method: "POST", Path: "/surveys/:id/publish", Access: signedIn, Handler: t.handlePublishSurvey},
		{Method: "POST", Path: "/surveys/:id/answers", Access: signedIn, Handler: t.handleAnswerSurvey},
		{Method: "GET", Path: "/surveys/:id/results", Access: signedIn, Handler: t.handleSurveyResults},
		{Method: "GET", Path: "/surveys/:id/results.csv", Access: signedIn, Handler: t.handleSurveyCSV},
		{Method: "POST", Path: "/surveys/:id/needs", Access: signedIn, Handler: t.handleCreateNeeds},
		{Method: "GET", Path: "/needs", Access: signedIn, Handler: t.handleNeeds},
		{Method: "GET", Path: "/courses/:id/needs", Access: signedIn, Handler: t.handleCourseNeeds},
		{Method: "PUT", Path: "/courses/:id/needs", Access: signedIn, Handler: t.handleLinkNeeds},
		{Method: "GET", Path: "/courses/:id/evaluation", Access: signedIn, Handler: t.handleCourseEvaluation},
		// Attendance, certificates, reports.
		{Method: "GET", Path: "/editions/:id/meetings/:mid/register", Access: signedIn, Handler: t.handleRegister},
		{Method: "PUT", Path: "/editions/:id/meetings/:mid/register", Access: signedIn, Handler: t.handleMark},
		{Method: "POST", Path: "/editions/:id/meetings/:mid/register/close", Access: signedIn, Handler: t.handleCloseRegister},
		{Method: "GET", Path: "/editions/:id/meetings/:mid/checkin-code", Access: signedIn, Handler: t.handleCheckinCode},
		{Method: "GET", Path: "/editions/:id/meetings/:mid/checkin-code.png", Access: signedIn, Handler: t.handleCheckinQR},
		{Method: "POST", Path: "/checkin", Access: signedIn, Handler: t.handleCheckin},
		{Method: "GET", Path: "/me/hours", Access: signedIn, Handler: t.handleMyHours},
		{Method: "GET", Path: "/editions/:id/hours", Access: signedIn, Handler: t.handleEditionHours},
		{Method: "POST", Path: "/editions/:id/certificates", Access: signedIn, Handler: t.handleIssue},
		{Method: "GET", Path: "/editions/:id/certificates", Access: signedIn, Handler: t.handleEditionCertificates},
		{Method: "GET", Path: "/me/certificates", Access: signedIn, Handler: t.handleMyCertificates},
		{Method: "GET", Path: "/me/certificates/:id/pdf", Access: signedIn, Handler: t.handleCertificatePDF},
		{Method: "POST", Path: "/certificates/:id/revoke", Access: signedIn, Handler: t.handleRevoke},
		{Method: "GET", Path: "/certificates/verify/:code", Access: anyone, Handler: t.handleVerify},
		{Method: "GET", Path: "/certificates/verify/:code/page", Access: anyone, Handler: t.handleVerifyPage},
		{Method: "GET", Path: "/reports/hours", Access: signedIn, Handler: t.handleHoursReport},
		{Method: "GET", Path: "/reports/hours.csv", Access: signedIn, Handler: t.handleCSV("ore-formazione.csv", func(c *gin.Context, q ReportQuery) ([]byte, error) { return t.HoursCSV(c.Request.Context(), q) })},
		{Method: "GET", Path: "/reports/editions", Access: signedIn, Handler: t.handleEditionsReport},
		{Method: "GET", Path: "/reports/editions.csv", Access: signedIn, Handler: t.handleCSV("edizioni.csv", func(c *gin.Context, q ReportQuery) ([]byte, error) { return t.EditionsCSV(c.Request.Context(), q) })},
		{Method: "GET", Path: "/reports/courses.csv", Access: signedIn, Handler: t.handleCSV("corsi.csv", func(c *gin.Context, q ReportQuery) ([]byte, error) { return t.CoursesCSV(c.Request.Context(), q) })},
	}
}
