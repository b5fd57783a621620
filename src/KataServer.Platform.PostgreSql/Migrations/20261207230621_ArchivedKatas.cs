using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace KataServer.Platform.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class ArchivedKatas : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "ArchivedAt",
                table: "AuthoredKatas",
                type: "timestamp with time zone",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ArchivedAt",
                table: "AuthoredKatas");
        }
    }
}
