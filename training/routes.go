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
	_ = signedIn
	return []httpx.Route{
		{Method: "GET", Path: "/topics", Access: anyone, Handler: t.handleTopics},
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
	}
}
